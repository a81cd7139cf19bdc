#!/usr/bin/env bash
# install.sh (virtio-gpu-macos release archive): puts this archive's virtio-gpu.kext into an
# OSX-KVM-style OpenCore image, its EFI folder and config, with the Kernel → Add entry.
#
#   ./install.sh OSX-KVM-DIR [--dry-run]            OSX-KVM-DIR/OpenCore/OpenCore.qcow2 (+ EFI, config.plist)
#   ./install.sh --image IMG [--config CFG] [--efi-dir DIR] [--dry-run]
#   ./install.sh --uninstall …                      (what uninstall.sh runs) takes it out again
#
# Checks the archive against SHA256SUMS first. Runs bin/oc-image with bin/oc-kext (Linux x86-64,
# needs libplist 2.x), qemu-img, sfdisk and mtools. Shut the VM down first.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "install.sh: error: $*" >&2; exit 1; }
usage() { sed -n '5,7s/^# \{0,3\}//p' "${BASH_SOURCE[0]}" >&2; exit 2; }

action=install
if [ "${1:-}" = --uninstall ]; then action=uninstall; shift; fi
[ $# -gt 0 ] || usage
case "$1" in
    -*) ;;
    *) osx_kvm=$1; shift; set -- --image "$osx_kvm/OpenCore/OpenCore.qcow2" "$@" ;;
esac

(cd "$here" && sha256sum --quiet -c SHA256SUMS) || die "the archive does not match SHA256SUMS; download it again"
"$here/bin/oc-kext" --version >/dev/null 2>&1 ||
    die "bin/oc-kext does not run here: it needs libplist 2.x (Debian/Ubuntu: libplist3, Fedora: libplist, Arch: libplist)"
kext_args=()
if [ "$action" = install ]; then kext_args=(--kext "$here/virtio-gpu.kext"); fi
exec "$here/bin/oc-image" "$action" --oc-kext "$here/bin/oc-kext" "${kext_args[@]}" "$@"
