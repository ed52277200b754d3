#!/bin/sh
# Builds release artifacts into dist/ (see firmware-image/README.md):
#
#   firmware-image/build.sh ARTIFACT...
#
#   x86_64 aarch64 armv7 mipsel   static musl binaries, stripped, admin UI embedded
#   openwrt                       .ipk and .apk packages per OpenWrt architecture
#   deb                           .deb for arm64, armhf and amd64
#   oci                           multi-arch OCI image (amd64, arm64, arm/v7) as an archive
#   rpi-image                     Raspberry Pi arm64 SD-card image
#   all                           all of the above
#
# Binaries asked for together are built in one compiler run. After the artifacts,
# dist/SHA256SUMS lists every release file with its SHA-256.
#
# Variables: DIST (default dist), VERSION (default: Cargo.toml's); each script documents its own.
. "$(dirname "$0")/lib.sh"
here=$ROOT/firmware-image
[ "$#" -gt 0 ] || { echo "usage: $0 x86_64|aarch64|armv7|mipsel|openwrt|deb|oci|rpi-image|all..." >&2; exit 2; }
[ "$*" = all ] && set -- x86_64 aarch64 armv7 mipsel openwrt deb oci rpi-image
binaries="" others=""
for artifact in "$@"; do
    case "$artifact" in
        x86_64|aarch64|armv7|mipsel) binaries="$binaries $artifact" ;;
        openwrt|deb|oci|rpi-image) others="$others $artifact" ;;
        *) echo "unknown artifact: $artifact (x86_64 aarch64 armv7 mipsel openwrt deb oci rpi-image all)" >&2; exit 2 ;;
    esac
done
[ -z "$binaries" ] || sh "$here/binary.sh" $binaries
for artifact in $others; do
    sh "$here/$artifact.sh"
done
# One list of checksums for everything released.
(cd "$DIST" && find . -type f ! -name '*.sha256' ! -name SHA256SUMS | sed 's|^\./||' | sort | xargs sha256sum > SHA256SUMS)
echo "$DIST/SHA256SUMS: $(wc -l < "$DIST/SHA256SUMS") files"
