#!/bin/sh
# guest/smoke.sh QEMU GUEST_ELF OUT_DIR — boot the test guest under TCG once per interrupt mode with a
# scripted command list (-append "script=..."), and check the exit status (quit 16 -> 33; a failed
# command -> 251), that the interrupt counters match the mode and that `close` leaves the core no
# memory.  Serial logs stay in OUT_DIR.
set -eu
qemu=$1 elf=$2 out=$3
mkdir -p "$out"
steps="info;modepref 0 7;rect 0 10 10 100 50 9;rectasync 0 3 0 0 8 8 16 16 8 8;waitidle"
steps="$steps;cursor 0 1 1 50 50 3;cursormove 0 60 70;cursorhide 0;bench 0 refresh 5 0 0 64 64"
steps="$steps;bench 0 damage 5 8 8 32 32 200;bench 0 naive 2 0 0 16 16;bench 0 none 2 0 0 16 16 100"
steps="$steps;idle 0 150 refresh;idle 0 50 naive;reset;bench 0 refresh 2 0 0 64 64;mode 0 640 480 5"
steps="$steps;bench 0 damage 2 0 0 8 8;stats;close;quit 16"
# An 8K frame spreads its pages over all of RAM; the refresh engine's 132 MiB shadow must still fit.
frag_steps="info;mode 0 7680 4320 3;bench 0 damage 2 0 0 64 64;stats;close;quit 16"

fail() {
    echo "guest-smoke $1: $2 (serial log $3):" >&2
    cat "$3" >&2
    exit 1
}

# run NAME GPU_PROPS INIT_ARGS STATS_REGEX [STEPS]
run() {
    log="$out/smoke-$1.log"
    status=0
    timeout 120 "$qemu" -machine q35 -m 512 -nodefaults -display none -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -device "virtio-gpu-pci,id=gpu0$2" \
        -kernel "$elf" -serial "file:$log" -append "script=init $3;${5:-$steps}" </dev/null || status=$?
    [ "$status" -eq 33 ] || fail "$1" "exit status $status, want 33" "$log"
    grep -q '^READY' "$log" || fail "$1" "no READY line" "$log"
    grep -q '^INFO scanout=0 enabled=1 ' "$log" || fail "$1" "no enabled scanout 0 in info" "$log"
    grep -Eq "^OK commands=.* $4" "$log" || fail "$1" "stats do not match /$4/" "$log"
    grep -q '^OK core_heap=0 core_dma=0$' "$log" || fail "$1" "close left core memory" "$log"
    echo "guest-smoke $1: ok ($(grep '^OK commands=' "$log" | cut -d' ' -f2-3,7-8))"
}

run msix "" "irq=msix" "interrupts=[1-9][0-9]* .*hwirqs=[1-9]"
run intx ",vectors=0" "irq=intx" "interrupts=[1-9][0-9]* .*hwirqs=[1-9]"
run poll "" "irq=poll" "interrupts=0 .*polled=[1-9][0-9]* .*hwirqs=0 "
run frag "" "irq=msix" "live=1 " "$frag_steps"
