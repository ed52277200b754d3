#!/bin/sh
# Each release binary starts and serves: the ARM and MIPS ones under qemu-user (explicitly,
# not through binfmt), the x86_64 one natively. Checks the ELF headers (static, stripped,
# right machine), the size budget (10 MB), then a DNS query and an HTTP update end to end.
#
#   tests/firmware/binaries.sh [ARCH...]   (default: x86_64 aarch64 armv7 mipsel)
. "$(dirname "$0")/lib.sh"
[ "$#" -gt 0 ] || set -- x86_64 aarch64 armv7 mipsel
for arch in "$@"; do
    bin=$(binary_path "$arch")
    [ -x "$bin" ] || fail "$bin missing: firmware-image/build.sh $arch"
    case $arch in
        x86_64) runner="" machine=X86-64 ;;
        aarch64) runner=qemu-aarch64-static machine=AArch64 ;;
        armv7) runner=qemu-arm-static machine=ARM ;;
        mipsel) runner=qemu-mipsel-static machine=MIPS ;;
        *) fail "unknown architecture $arch" ;;
    esac
    check "$arch: ELF for $machine" sh -c "readelf -h '$bin' | grep -q 'Machine:.*$machine'"
    check "$arch: statically linked" sh -c "! readelf -l '$bin' | grep -q 'program interpreter'"
    check "$arch: stripped" sh -c "! readelf -S '$bin' | grep -q '\.symtab'"
    size=$(wc -c < "$bin")
    check "$arch: $size bytes, within 10 MB" test "$size" -le 10000000
    (cd "$DIST" && sha256sum -c --quiet "$(basename "$bin").sha256") || fail "$arch: checksum"
    same "$arch: --version" "porchlight $VERSION" "$($runner "$bin" --version)"
    data=$(mktemp -d)
    # The command-line tools run on the target too (under qemu-user).
    token=$(seed "$data" $runner "$bin")
    [ -n "$token" ] || fail "$arch: no token from 'hostname add'"
    serve_and_update "$data" "$token" $runner "$bin"
    rm -rf "$data"
done
