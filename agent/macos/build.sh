#!/bin/sh
# build.sh — build the guest agent on macOS (Xcode or the Command Line Tools), from the source tree
# or from the release archive (which carries the few core/ files the agent needs: --core-files).
#   sh agent/macos/build.sh [OUTPUT]      OUTPUT defaults to build/agent/virtio-guest-agent
#   sh agent/macos/build.sh --core-files  the core/ files the agent compiles or includes
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CORE_FILES="core/base/bytes.h core/base/util.h"
if [ "${1:-}" = --core-files ]; then
    for f in $CORE_FILES; do echo "$f"; done
    exit 0
fi
[ "$(uname -s)" = Darwin ] || {
    echo "build.sh: the agent builds on macOS only (IOKit, CoreGraphics, HIServices); its portable logic is tested by make test-unit" >&2
    exit 1
}
OUT=${1:-$TOP/build/agent/virtio-guest-agent}
mkdir -p "$(dirname "$OUT")"
cd "$TOP"
${CC:-cc} -std=c11 -Wall -Wextra -Werror -O2 -Icore -o "$OUT" agent/macos/*.c agent/clip_logic.c \
    agent/clip_pump.c agent/follow_logic.c agent/vdagent.c agent/vdagent_codec.c \
    -framework IOKit -framework ApplicationServices -framework CoreGraphics -framework CoreFoundation
echo "build.sh: built $OUT"
