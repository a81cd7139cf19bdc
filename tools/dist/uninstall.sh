#!/usr/bin/env bash
# uninstall.sh (virtio-gpu-macos release archive): takes the kext and its entry out again.
#   ./uninstall.sh OSX-KVM-DIR | --image IMG [--config CFG] [--efi-dir DIR] [--dry-run]
exec "$(dirname "${BASH_SOURCE[0]}")/install.sh" --uninstall "$@"
