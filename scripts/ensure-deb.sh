#!/bin/sh
# Install the Debian packages named as arguments that are not installed yet.
# Runs apt-get only when something is missing, so a ready machine pays nothing.
set -eu
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure-deb: no apt here, so nothing is installed. The build needs these Debian packages (or" >&2
    echo "  your distribution's equivalents):" "$@" >&2
    exit 0
fi
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
echo "ensure-deb: installing$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
