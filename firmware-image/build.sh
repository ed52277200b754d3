#!/bin/sh
# Builds release artifacts into dist/.
#
#   firmware-image/build.sh ARTIFACT...
#
# Artifacts available now:
#   x86_64   static x86_64 Linux binary (glibc target, +crt-static), stripped
#
# Variables:
#   DIST     output directory (default: dist)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
[ "$#" -gt 0 ] || { echo "usage: $0 ARTIFACT... (x86_64)" >&2; exit 2; }
# Every binary embeds the admin UI.
[ -f "$here/../web-ui/dist/index.html.gz" ] || sh "$here/../web-ui/build.sh"
for artifact in "$@"; do
    case "$artifact" in
        x86_64) sh "$here/x86_64.sh" ;;
        *) echo "unknown artifact: $artifact (known: x86_64)" >&2; exit 2 ;;
    esac
done
