#!/bin/sh
# Runs every test of porchlight. On a fresh Debian machine it first installs what the tests
# need: the real DDNS clients the end-to-end suite drives (ddclient, inadyn, GNU wget, curl),
# BIND's zone checker and nsupdate, Knot (a secondary, knsupdate, kdig), certbot's RFC 2136
# plugin, Chromium and Node for the browser test, and clippy; web-ui/build.sh
# installs the UI's toolchain. Then: the UI bundle, lints, unit tests, the end-to-end suite,
# the browser test, and the static release binary.
#
# Variables:
#   SKIP_RELEASE=1   skip building the static release binary (saves a few minutes)
set -eu
cd "$(dirname "$0")/.."

# program:package pairs
missing=""
for pair in ddclient:ddclient inadyn:inadyn named-checkzone:bind9-utils nsupdate:bind9-dnsutils dig:bind9-dnsutils \
    knotd:knot kdig:knot-dnsutils knsupdate:knot-dnsutils curl:curl wget:wget chromium:chromium node:nodejs npm:npm; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
[ -d /usr/lib/python3/dist-packages/certbot_dns_rfc2136 ] || missing="$missing python3-certbot-dns-rfc2136"
if [ -n "$missing" ]; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "tests/run.sh: need root to install:$missing" >&2
        exit 1
    fi
    echo "installing:$missing"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# The server embeds the UI bundle, so it comes first.
sh web-ui/build.sh
cargo clippy --workspace --all-targets --locked -- -D warnings
# The end-to-end suite runs the porchlight binary as a process, so build it first.
cargo build --workspace --locked
cargo test --workspace --locked
# The admin UI in headless Chromium against the real binary (screenshots: target/ui-screenshots/).
npm ci --prefix tests/browser --no-audit --no-fund --silent
PORCHLIGHT_BIN="$(pwd)/target/debug/porchlight" node tests/browser/ui.mjs
if [ "${SKIP_RELEASE:-0}" != 1 ]; then
    sh firmware-image/build.sh x86_64
fi
