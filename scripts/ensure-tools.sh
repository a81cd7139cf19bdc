#!/bin/sh
# Makes sure the commands a build step runs exist. Arguments: COMMAND:DEBIAN-PACKAGE pairs.
# Every command found: nothing else happens (any distribution). Some missing: on Debian/Ubuntu
# their packages are installed (scripts/ensure-deb.sh); elsewhere the missing commands and their
# Debian package names are listed and the step stops, so you can install them your own way.
set -eu
missing_cmds="" missing_pkgs=""
for pair in "$@"; do
    cmd=${pair%%:*} pkg=${pair#*:}
    command -v "$cmd" >/dev/null 2>&1 && continue
    missing_cmds="$missing_cmds $cmd"
    case " $missing_pkgs " in *" $pkg "*) ;; *) missing_pkgs="$missing_pkgs $pkg" ;; esac
done
[ -z "$missing_cmds" ] && exit 0
if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    exec "$(dirname "$0")/ensure-deb.sh" $missing_pkgs
fi
echo "ensure-tools: missing commands:$missing_cmds" >&2
echo "  Debian names of their packages:$missing_pkgs" >&2
echo "  (no apt here: install the equivalents with your package manager, e.g. pacman, dnf or nix, then run make again)" >&2
exit 2
