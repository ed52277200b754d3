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
    runner=$(runner_of "$arch")
    check_machine "$arch" "$bin" "$arch"
    check "$arch: statically linked" sh -c "! readelf -l '$bin' | grep -q 'program interpreter'"
    check "$arch: stripped" sh -c "! readelf -S '$bin' | grep -q '\.symtab'"
    size=$(wc -c < "$bin")
    check "$arch: $size bytes, within 10 MB" test "$size" -le 10000000
    check_sum "$bin"
    same "$arch: --version" "porchlight $VERSION" "$($runner "$bin" --version)"
    data=$(mktemp -d)
    # The command-line tools run on the target too (under qemu-user).
    token=$(seed "$data" $runner "$bin")
    [ -n "$token" ] || fail "$arch: no token from 'hostname add'"
    serve_and_update "$data" "$token" $runner "$bin"
    rm -rf "$data"
done
