#!/bin/sh
# uninstall.sh — undo install.sh: stop the agent for the user logged in, then remove every path
# install.sh created (its list), newest first; directories that were there before, or that hold
# something else by now, stay.
#   sudo sh agent/macos/uninstall.sh
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/paths.sh"

[ -f "$MANIFEST" ] || { echo "uninstall.sh: $LABEL is not installed"; exit 0; }
uid=$(gui_uid)
[ "$uid" = 0 ] || launchctl bootout "gui/$uid/$LABEL" 2>/dev/null || true

LIST=$(mktemp)
trap 'rm -f "$LIST"' EXIT
awk '{ line[NR] = $0 } END { for (i = NR; i > 0; i--) print line[i] }' "$MANIFEST" > "$LIST"
rm -f "$MANIFEST"
while IFS= read -r path; do
    if [ ! -d "$path" ]; then
        rm -f "$path"
    elif ! rmdir "$path" 2>/dev/null; then
        echo "uninstall.sh: kept $path: something else was put in it since"
    fi
done < "$LIST"
echo "uninstall.sh: $LABEL removed"
