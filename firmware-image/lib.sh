# Shared by the artifact scripts and tests/firmware/ (sourced, not run). Sets:
#   ROOT     the checkout
#   DIST     output directory (default: $ROOT/dist)
#   VERSION  release version (default: the version in Cargo.toml)
#   TOOLS    where installed tools live ($ROOT/target/tools)
#   SOURCE_DATE_EPOCH  file times in packages and images (default: the last commit's time)
# and defines apt_install, checksum and binary_path.
set -eu
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
DIST=${DIST:-$ROOT/dist}
case "$DIST" in /*) ;; *) DIST=$ROOT/$DIST ;; esac
VERSION=${VERSION:-$(sed -n 's/^version = "\(.*\)"/\1/p' "$ROOT/Cargo.toml" | head -n 1)}
TOOLS=$ROOT/target/tools
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$ROOT" log -1 --format=%ct 2>/dev/null || echo 0)}
export SOURCE_DATE_EPOCH
mkdir -p "$DIST"

# apt_install PACKAGE... installs the Debian packages that are missing.
apt_install() {
    missing=""
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    [ -z "$missing" ] && return 0
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    echo "installing:$missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# checksum FILE... writes FILE.sha256 beside each file, in `sha256sum -c` form.
checksum() {
    for f in "$@"; do
        (cd "$(dirname "$f")" && sha256sum "$(basename "$f")" > "$(basename "$f").sha256")
    done
}

# binary_path ARCH prints the release binary for ARCH (x86_64, aarch64, armv7, mipsel).
binary_path() {
    echo "$DIST/porchlight-$VERSION-$1-linux"
}

# need_binary ARCH builds the binary for ARCH unless it is already in $DIST.
need_binary() {
    [ -x "$(binary_path "$1")" ] || sh "$ROOT/firmware-image/binary.sh" "$1"
}
