#!/bin/sh
# Builds the admin UI into web-ui/dist/, which the server binary embeds:
#   compile (wasm32-unknown-unknown) -> wasm-bindgen --target web -> wasm-opt -Oz
#   -> content-hashed file names (with the favicon) -> index.html -> gzip -9 of every file.
# It installs what it lacks: the rustup wasm32 target when rustup can add it, otherwise
# Debian's rustc-web route (apt, -Zbuild-std); wasm-bindgen-cli of the version in
# web-ui/Cargo.lock and binaryen from npm, both under target/tools/.
#
# Variables:
#   PORCHLIGHT_UI_ROUTE=rustup|debian   force a compiler route (default: rustup if it has or
#                                       can add wasm32-unknown-unknown, else debian)
#   BINARYEN_VERSION                    binaryen from npm (default 132.0.0; Debian's 108
#                                       produces modules Chromium rejects)
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
tools="$root/target/tools"
dist="$root/web-ui/dist"
stage="$root/target/web-ui-stage"
binaryen="${BINARYEN_VERSION:-132.0.0}"
wbg_version=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"$/\1/p;}' web-ui/Cargo.lock)
[ -n "$wbg_version" ] || { echo "web-ui/build.sh: no wasm-bindgen in web-ui/Cargo.lock" >&2; exit 1; }

sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
apt_install() {
    missing=""
    for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
    [ -z "$missing" ] && return 0
    echo "web-ui/build.sh: installing$missing" >&2
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# 1. Compile.
route="${PORCHLIGHT_UI_ROUTE:-}"
if [ -z "$route" ]; then
    if rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
        || rustup target add wasm32-unknown-unknown >/dev/null 2>&1; then
        route=rustup
    else
        route=debian
    fi
fi
case "$route" in
rustup)
    target_dir="$root/target/web-ui"
    (cd web-ui && CARGO_TARGET_DIR="$target_dir" cargo build --locked --release --target wasm32-unknown-unknown)
    ;;
debian)
    apt_install rustc-web cargo-web rust-web-src lld-19
    target_dir="$root/target/web-ui-debian"
    (cd web-ui && RUSTC_BOOTSTRAP=1 RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-19 CARGO_TARGET_DIR="$target_dir" \
        /usr/bin/cargo build --locked --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort)
    ;;
*)
    echo "web-ui/build.sh: PORCHLIGHT_UI_ROUTE must be rustup or debian" >&2
    exit 2
    ;;
esac
wasm="$target_dir/wasm32-unknown-unknown/release/porchlight-ui.wasm"

# 2. Tools, at the versions the lock file and this script name.
if ! "$tools/bin/wasm-bindgen" --version 2>/dev/null | grep -q " $wbg_version\$"; then
    cargo install wasm-bindgen-cli --version "$wbg_version" --root "$tools" --quiet
fi
wasm_opt="$tools/npm/node_modules/.bin/wasm-opt"
if ! [ -x "$wasm_opt" ] || ! grep -q "\"version\": \"$binaryen\"" "$tools/npm/node_modules/binaryen/package.json" 2>/dev/null; then
    command -v npm >/dev/null 2>&1 || apt_install npm
    mkdir -p "$tools/npm"
    npm install --prefix "$tools/npm" --no-audit --no-fund --silent "binaryen@$binaryen"
fi

# 3. Bind and shrink.
rm -rf "$stage" && mkdir -p "$stage"
"$tools/bin/wasm-bindgen" --target web --no-typescript --out-dir "$stage" --out-name porchlight "$wasm"
"$wasm_opt" -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$stage/porchlight_bg.wasm" -o "$stage/porchlight.wasm"

# 4. Hashed names (assets are cached for a year; index.html never), then gzip.
short() { sha256sum "$1" | cut -c1-12; }
rm -rf "$dist" && mkdir -p "$dist/assets"
js="porchlight-$(short "$stage/porchlight.js").js"
wasm_name="porchlight-$(short "$stage/porchlight.wasm").wasm"
css="style-$(short web-ui/style.css).css"
icon="favicon-$(short web-ui/favicon.svg).svg"
cp web-ui/favicon.svg "$dist/assets/$icon"
cp "$stage/porchlight.js" "$dist/assets/$js"
cp "$stage/porchlight.wasm" "$dist/assets/$wasm_name"
cp web-ui/style.css "$dist/assets/$css"
# The boot module (no inline script, so the page's CSP can forbid them).
printf 'import init from "/assets/%s";\ninit({ module_or_path: "/assets/%s" });\n' "$js" "$wasm_name" > "$stage/boot.js"
boot="boot-$(short "$stage/boot.js").js"
cp "$stage/boot.js" "$dist/assets/$boot"
sed -e "s|@JS@|/assets/$js|g" -e "s|@WASM@|/assets/$wasm_name|g" -e "s|@CSS@|/assets/$css|g" -e "s|@BOOT@|/assets/$boot|g" -e "s|@ICON@|/assets/$icon|g" \
    web-ui/index.html > "$dist/index.html"
find "$dist" -type f ! -name '*.gz' -exec gzip -9 -n -k -f {} \;
total=$(cat "$dist/assets/$js.gz" "$dist/assets/$wasm_name.gz" | wc -c)
echo "web-ui/dist: wasm + JS $total bytes compressed ($route route)"
