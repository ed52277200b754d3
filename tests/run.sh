#!/bin/sh
# Runs every test of porchlight. On a fresh Debian machine it first installs what the tests
# need: the real DDNS clients the end-to-end suite drives (ddclient, inadyn, GNU wget, curl),
# BIND's zone checker, nsupdate, delv, dnssec-verify and named (a secondary), Knot (a
# secondary, knsupdate, kdig), NSD (a secondary), unbound (a validating resolver), certbot's RFC 2136
# plugin, Chromium and Node for the browser test, and clippy; web-ui/build.sh
# installs the UI's toolchain. Then: the UI bundle, lints, unit tests, the end-to-end suite,
# 20 seconds of each fuzz target, the browser test, schemathesis against /api/openapi.json; then the release artifacts: static binaries for x86_64, aarch64, armv7 and
# mipsel, the OpenWrt packages, the .debs and the OCI image (firmware-image/build.sh), each
# checked and started by tests/firmware/ (the foreign ones under qemu-user). The Raspberry Pi
# image and its boot test run on their own (firmware-image/README.md).
#
# Variables:
#   SKIP_RELEASE=1   skip the release artifacts and their tests (saves most of the time)
set -eu
cd "$(dirname "$0")/.."

# program:package pairs
missing=""
for pair in ddclient:ddclient inadyn:inadyn named-checkzone:bind9-utils nsupdate:bind9-dnsutils dig:bind9-dnsutils \
    knotd:knot kdig:knot-dnsutils unbound:unbound named:bind9 nsd:nsd delv:bind9-dnsutils dnssec-verify:bind9-utils knsupdate:knot-dnsutils curl:curl wget:wget chromium:chromium node:nodejs npm:npm \
    qemu-aarch64-static:qemu-user-static update-binfmts:binfmt-support umoci:umoci skopeo:skopeo ip:iproute2 \
    unshare:util-linux readelf:binutils c++:g++ mkfs.ext4:e2fsprogs dpkg-deb:dpkg xz:xz-utils; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || missing="$missing ${pair#*:}"
done
[ -d /usr/lib/python3/dist-packages/certbot_dns_rfc2136 ] || missing="$missing python3-certbot-dns-rfc2136"
# A real SMTP server for the e-mail alerts test.
[ -d /usr/lib/python3/dist-packages/aiosmtpd ] || missing="$missing python3-aiosmtpd"
# ddclient talks HTTPS through this Perl module, which it only recommends.
perl -MIO::Socket::SSL -e1 2>/dev/null || missing="$missing libio-socket-ssl-perl"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if [ -n "$missing" ]; then
    if [ -n "$sudo" ] && ! command -v sudo >/dev/null 2>&1; then
        echo "tests/run.sh: need root to install:$missing" >&2
        exit 1
    fi
    echo "installing:$missing"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
    # BIND, NSD and unbound are started by the tests on ports of their own; their packages' system
    # services are not wanted (where the package started them).
    if command -v systemctl >/dev/null 2>&1; then
        $sudo systemctl disable --now named unbound nsd >/dev/null 2>&1 || true
    fi
fi
cargo clippy --version >/dev/null 2>&1 || rustup component add clippy

# logged LOG COMMAND...: runs COMMAND, its output both shown and kept in target/LOG for the
# summary at the end; fails when COMMAND fails.
mkdir -p target
logged() {
    log="target/$1"
    shift
    { "$@" 2>&1; echo $? > "$log.rc"; } | tee -a "$log"
    [ "$(cat "$log.rc")" = 0 ]
}
rm -f target/tests.log target/fuzz.log target/firmware.log

# The server embeds the UI bundle, so it comes first.
sh web-ui/build.sh
cargo clippy --workspace --all-targets --locked -- -D warnings
# The modules of server/src import each other without cycles (layers: model, store, domain,
# transports).
python3 tests/tools/module_cycles.py
# The end-to-end suite runs the porchlight binary as a process, so build it first.
cargo build --workspace --locked
logged tests.log cargo test --workspace --locked
# Each fuzz target for 20 seconds from its committed seeds, so that a regression on input
# the tests never send shows up here (the long run: sh server/fuzz/run.sh).
logged fuzz.log env FUZZ_SECONDS=20 sh server/fuzz/run.sh
# The native API against its own OpenAPI document: schemathesis, every check, stateful links.
PORCHLIGHT_BIN="$(pwd)/target/debug/porchlight" sh tests/schemathesis/run.sh
# The admin UI in headless Chromium against the real binary (screenshots: target/ui-screenshots/).
npm ci --prefix tests/browser --no-audit --no-fund --silent
PORCHLIGHT_BIN="$(pwd)/target/debug/porchlight" node tests/browser/ui.mjs
if [ "${SKIP_RELEASE:-0}" != 1 ]; then
    # The OCI test runs ARM binaries inside a chroot, so through binfmt_misc.
    mountpoint -q /proc/sys/fs/binfmt_misc || $sudo mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    for emulator in qemu-aarch64 qemu-arm; do
        [ -e "/proc/sys/fs/binfmt_misc/$emulator" ] || $sudo update-binfmts --enable "$emulator"
    done
    sh firmware-image/build.sh x86_64 aarch64 armv7 mipsel openwrt deb oci
    logged firmware.log sh tests/firmware/binaries.sh
    logged firmware.log sh tests/firmware/openwrt.sh
    logged firmware.log sh tests/firmware/deb.sh
    logged firmware.log sh tests/firmware/oci.sh
fi

# What ran, once more at the end of the log.
echo "== summary"
grep -E '^test result:' target/tests.log
echo "fuzz targets run: $(grep -c '^== ' target/fuzz.log), crashes: 0"
[ ! -f target/firmware.log ] || echo "release artifact checks: $(grep -c '^ok - ' target/firmware.log) ok"
echo "tests/run.sh: every suite passed"
