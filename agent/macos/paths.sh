# paths.sh — where install.sh puts the guest agent and uninstall.sh finds it (sourced by both).
# ROOT prefixes every path (empty on a Mac; a scratch directory in tests/agent).
LABEL=com.osx-kvm.virtio-agent
ROOT=${ROOT:-}
BIN_DIR=$ROOT/usr/local/bin
BINARY_DEST=$BIN_DIR/virtio-guest-agent
AGENT_DIR=$ROOT/Library/LaunchAgents
PLIST_DEST=$AGENT_DIR/$LABEL.plist
STATE_DIR="$ROOT/Library/Application Support/osx-kvm"
MANIFEST="$STATE_DIR/virtio-guest-agent.files"    # every path install.sh created, in order
# The HiDPI display override for QEMU's EDID (macos/DisplayOverrides/README.md).
OVERRIDE_REL=DisplayVendorID-4914/DisplayProductID-1234
OVERRIDE_DIR=$ROOT/Library/Displays/Contents/Resources/Overrides/DisplayVendorID-4914
OVERRIDE_DEST=$ROOT/Library/Displays/Contents/Resources/Overrides/$OVERRIDE_REL

# The user logged in at the console (0: nobody); AGENT_UID overrides it (tests).
gui_uid() {
    if [ -n "${AGENT_UID:-}" ]; then echo "$AGENT_UID"; else stat -f %u /dev/console; fi
}
