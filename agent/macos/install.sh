#!/bin/sh
# install.sh — install the guest agent inside macOS: the binary, the LaunchAgent that starts it in
# every GUI login session (loaded at once for the user logged in), and the list of every path it
# created, so uninstall.sh removes exactly those.  Running it again upgrades in place.
# With it goes the HiDPI display override for QEMU's display (macos/DisplayOverrides), when found.
#   sudo sh agent/macos/install.sh [BINARY]     BINARY defaults to build/agent/virtio-guest-agent
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/paths.sh"
BINARY=${1:-$HERE/../../build/agent/virtio-guest-agent}
PLIST_SRC=$HERE/$LABEL.plist
# In the source tree it is macos/DisplayOverrides; in the release archive, DisplayOverrides.
for dir in "$HERE/../../macos/DisplayOverrides" "$HERE/../../DisplayOverrides"; do
    [ -n "${OVERRIDE_SRC:-}" ] || [ ! -f "$dir/$OVERRIDE_REL" ] || OVERRIDE_SRC=$dir/$OVERRIDE_REL
done
OVERRIDE_SRC=${OVERRIDE_SRC:-$HERE/../../macos/DisplayOverrides/$OVERRIDE_REL}

[ -f "$BINARY" ] || { echo "install.sh: no agent binary at $BINARY (make guest-agent)" >&2; exit 1; }
LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT
[ -f "$MANIFEST" ] && cat "$MANIFEST" > "$LIST"

# Never overwrite what someone else put there: uninstall.sh would delete it.
for dest in "$BINARY_DEST" "$PLIST_DEST" "$OVERRIDE_DEST"; do
    if [ -e "$dest" ] && ! grep -qxF "$dest" "$LIST"; then
        echo "install.sh: $dest exists and was not installed by this script; remove it first" >&2
        exit 1
    fi
done

note() { grep -qxF "$1" "$LIST" || printf '%s\n' "$1" >> "$LIST"; }
make_dir() {
    [ -d "$1" ] && return 0
    make_dir "$(dirname "$1")"
    mkdir "$1"
    note "$1"
}
put() {    # SRC DEST MODE: replaced in one rename, so a running agent never sees half a file
    cp "$1" "$2.new"
    chmod "$3" "$2.new"
    [ -n "$ROOT" ] || chown root:wheel "$2.new"      # launchd refuses agents not owned by root
    mv -f "$2.new" "$2"
    note "$2"
}

make_dir "$BIN_DIR"
make_dir "$AGENT_DIR"
make_dir "$STATE_DIR"
put "$BINARY" "$BINARY_DEST" 755
put "$PLIST_SRC" "$PLIST_DEST" 644
if [ -f "$OVERRIDE_SRC" ]; then
    make_dir "$OVERRIDE_DIR"
    put "$OVERRIDE_SRC" "$OVERRIDE_DEST" 644
else
    echo "install.sh: no display override at $OVERRIDE_SRC: HiDPI sizes not installed" >&2
fi
cp "$LIST" "$MANIFEST"

uid=$(gui_uid)
if [ "$uid" != 0 ]; then
    launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true      # the copy an earlier install loaded
    launchctl bootstrap "gui/$uid" "$PLIST_DEST"
    echo "install.sh: $LABEL installed and running for uid $uid"
else
    echo "install.sh: $LABEL installed; it starts at the next login"
fi
