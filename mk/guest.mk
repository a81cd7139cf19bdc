# Bare-metal x86-64 test guest (guest/): boots under QEMU with -kernel and runs the unchanged core/
# against QEMU's virtio-gpu-pci, driven over COM1 (guest/PROTOCOL.md).  Its paths (GUEST_OUT, GUEST_ELF)
# are in mk/paths.mk.
#   make guest          build $(BUILD)/guest/vgpu-guest.elf
#   make guest-smoke    boot it under TCG with a scripted command list and check the exit status
#   make guest-run GUEST_APPEND='script=init;info'   interactive: serial on stdio
DEB_PACKAGES += qemu-system-x86 binutils gcc
TESTS += guest-smoke

GUEST_CC      ?= gcc
GUEST_LD      ?= ld
GUEST_OBJCOPY ?= objcopy
QEMU_X86      ?= qemu-system-x86_64
GUEST_ELF64   := $(GUEST_OUT)/vgpu-guest64.elf
GUEST_CORE    ?= $(CORE_SRCS)
GUEST_SRCS    := $(wildcard guest/*.c) $(GUEST_CORE) $(wildcard agent/*.c)
GUEST_ASMS    := $(wildcard guest/*.S)
GUEST_OBJS    := $(patsubst %,$(GUEST_OUT)/obj/%.o,$(basename $(GUEST_SRCS) $(GUEST_ASMS)))
# -mgeneral-regs-only: no SSE anywhere, so the interrupt entry saves no FPU state and KVM never has to
# emulate an SSE instruction next to an MMIO exit (it cannot: docs/known-findings.md F1).
GUEST_CFLAGS  := $(CSTD) $(WARN) -O2 -g -ffreestanding -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only \
                 -fno-stack-protector -fno-asynchronous-unwind-tables -mcmodel=small \
                 -nostdlib $(CORE_INCLUDE) -Iguest -Iagent -MMD -MP
GUEST_LDFLAGS := -m elf_x86_64 -nostdlib -static -z max-page-size=0x1000 -z noexecstack -T guest/linker.ld
GUEST_QEMU    := $(QEMU_X86) -machine q35 -m 512 -nodefaults -display none -no-reboot \
                 -device isa-debug-exit,iobase=0xf4,iosize=0x04
GUEST_APPEND  ?=

.PHONY: guest guest-smoke guest-run
guest: $(GUEST_ELF)

$(GUEST_OUT)/obj/%.o: %.c mk/guest.mk
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OUT)/obj/%.o: %.S mk/guest.mk
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c -o $@ $<

# QEMU's multiboot loader refuses ELF64, so the ELF64 link is re-wrapped as ELF32 (same bytes).
$(GUEST_ELF64): $(GUEST_OBJS) guest/linker.ld
	$(GUEST_LD) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS) $(shell $(GUEST_CC) -print-libgcc-file-name)

$(GUEST_ELF): $(GUEST_ELF64)
	$(GUEST_OBJCOPY) -O elf32-i386 $< $@

guest-run: $(GUEST_ELF)
	$(GUEST_QEMU) -device virtio-gpu-pci,id=gpu0 -serial stdio -kernel $(GUEST_ELF) \
	    $(if $(GUEST_APPEND),-append "$(GUEST_APPEND)")

guest-smoke: $(GUEST_ELF)
	guest/smoke.sh "$(QEMU_X86)" $(GUEST_ELF) $(GUEST_OUT)/smoke

-include $(GUEST_OBJS:.o=.d)
