#!/bin/sh
# Static, stripped porchlight binaries, admin UI embedded:
#
#   firmware-image/binary.sh ARCH...     ARCH: x86_64, aarch64, armv7 (hard-float), mipsel
#
# All four are musl-linked and built the same way, with no rustup target needed: Debian's
# rustc-web compiler builds std for the target (-Zbuild-std) and zig (from PyPI, in a venv)
# is the C compiler, linker and musl. cargo-zigbuild drives it. MIPS also needs the static
# relocation model, or the binary crashes at start. All the architectures asked for are built
# by one cargo run, so one target's dependencies compile while another links. Writes
#   $DIST/porchlight-$VERSION-ARCH-linux and its .sha256
#
# Variables (see lib.sh for DIST and VERSION):
#   ZIG_VERSION        ziglang from PyPI (default 0.17.1)
#   ZIGBUILD_VERSION   cargo-zigbuild (default 0.24.1)
. "$(dirname "$0")/lib.sh"
[ "$#" -gt 0 ] || { echo "usage: binary.sh x86_64|aarch64|armv7|mipsel..." >&2; exit 2; }
# target_of ARCH prints the Rust target and the ELF machine name.
target_of() {
    case "$1" in
        x86_64) echo "x86_64-unknown-linux-musl X86-64" ;;
        aarch64) echo "aarch64-unknown-linux-musl AArch64" ;;
        armv7) echo "armv7-unknown-linux-musleabihf ARM" ;;
        mipsel) echo "mipsel-unknown-linux-musl MIPS" ;;
        *) echo "binary.sh: unknown architecture $1 (x86_64, aarch64, armv7, mipsel)" >&2; exit 2 ;;
    esac
}
arches=$*
for arch in $arches; do target_of "$arch" >/dev/null; done
[ -f "$ROOT/web-ui/dist/index.html.gz" ] || sh "$ROOT/web-ui/build.sh"

# Tools, each installed once.
apt_install rustc-web cargo-web rust-web-src python3-venv
[ -x "$TOOLS/zig-venv/bin/python-zig" ] || {
    python3 -m venv "$TOOLS/zig-venv"
    "$TOOLS/zig-venv/bin/pip" install -q "ziglang==${ZIG_VERSION:-0.17.1}"
}
[ -x "$TOOLS/bin/cargo-zigbuild" ] || cargo install -q --root "$TOOLS" cargo-zigbuild --version "${ZIGBUILD_VERSION:-0.24.1}"
# cargo-zigbuild calls `cargo`, `rustc` and `zig` by name: Debian's compiler, zig from the venv.
shims=$TOOLS/debian-rust
mkdir -p "$shims"
for t in cargo rustc rustdoc; do ln -sf "/usr/bin/$t" "$shims/$t"; done
printf '#!/bin/sh\nexec "%s" "$@"\n' "$TOOLS/zig-venv/bin/python-zig" > "$shims/zig"
chmod +x "$shims/zig"

targets=""
for arch in $arches; do
    set -- $(target_of "$arch")
    target=$1
    # No build machine paths in the binary (panic messages name source files).
    flags="-C link-self-contained=no --remap-path-prefix=$ROOT=. --remap-path-prefix=${CARGO_HOME:-$HOME/.cargo}=~/.cargo"
    [ "$arch" = mipsel ] && flags="$flags -C relocation-model=static"
    export "CARGO_TARGET_$(echo "$target" | tr a-z- A-Z_)_RUSTFLAGS=$flags"
    targets="$targets --target $target"
done
cd "$ROOT"
env PATH="$shims:$TOOLS/bin:$PATH" RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
    CARGO_TARGET_DIR="$ROOT/target/cross" \
    cargo zigbuild --release --locked $targets -p porchlight -Zbuild-std=std,panic_abort

for arch in $arches; do
    set -- $(target_of "$arch")
    out=$(binary_path "$arch")
    cp "target/cross/$1/release/porchlight" "$out"
    # Static (no program interpreter), for the right machine.
    if readelf -l "$out" | grep -q 'program interpreter'; then
        echo "binary.sh: $out is dynamically linked" >&2
        exit 1
    fi
    readelf -h "$out" | grep -q "Machine:.*$2" || { echo "binary.sh: $out is not $2" >&2; exit 1; }
    checksum "$out"
    echo "$out: $(wc -c < "$out") bytes, static, stripped"
done
