#!/bin/sh
# Static x86_64 binary from the host toolchain: the glibc target with crt-static needs no
# extra rustup target or cross compiler.
#
# Variables:
#   DIST     output directory (default: dist)
#   VERSION  version in the file name (default: the crate version)
set -eu
cd "$(dirname "$0")/.."
DIST=${DIST:-dist}
VERSION=${VERSION:-$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)}
target=x86_64-unknown-linux-gnu
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+crt-static" \
    cargo build --release --locked --target "$target" -p porchlight
mkdir -p "$DIST"
out="$DIST/porchlight-$VERSION-x86_64-linux"
cp "target/$target/release/porchlight" "$out"
# A dynamically linked ELF names a program interpreter; a static one does not.
if readelf -l "$out" | grep -q 'program interpreter'; then
    echo "error: $out is dynamically linked" >&2
    exit 1
fi
"$out" --version
(cd "$DIST" && sha256sum "$(basename "$out")" > "$(basename "$out").sha256")
echo "$out: $(wc -c < "$out") bytes, static, stripped"
