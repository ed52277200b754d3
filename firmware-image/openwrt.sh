#!/bin/sh
# OpenWrt packages: an .ipk (opkg: OpenWrt 23.05 and 24.10) and an .apk (apk-tools: OpenWrt
# 25.12 and later) for each OpenWrt package architecture below, all holding the static binary
# of the matching CPU family:
#   /usr/sbin/porchlight                      the binary
#   /etc/init.d/porchlight                    procd service: respawn, user porchlight, only
#                                             CAP_NET_BIND_SERVICE, address-space limit, ujail
#   /etc/config/porchlight                    UCI settings, turned into TOML at each start
#   /etc/capabilities/porchlight.json         the capability set procd grants
#   /etc/porchlight/porchlight.toml.example   every setting, for a hand-written porchlight.toml
#   /usr/share/ddns/default/porchlight.json   ddns-scripts provider: the router's own DDNS
#                                             client updates the appliance on 127.0.0.1
# Writes $DIST/openwrt/porchlight_$VERSION-r1_ARCH.ipk and porchlight-$VERSION-r1-ARCH.apk.
#
# Variables (see lib.sh for DIST and VERSION):
#   OPENWRT_ARCHES   "OPENWRT_ARCH=BINARY_ARCH ..." (default: the list below)
#   RELEASE          package release number (default 1)
. "$(dirname "$0")/lib.sh"
OPENWRT_ARCHES=${OPENWRT_ARCHES:-"x86_64=x86_64 aarch64_generic=aarch64 aarch64_cortex-a53=aarch64 \
aarch64_cortex-a72=aarch64 arm_cortex-a7_neon-vfpv4=armv7 arm_cortex-a9_vfpv3-d16=armv7 \
arm_cortex-a15_neon-vfpv4=armv7 mipsel_24kc=mipsel"}
RELEASE=${RELEASE:-1}
out=$DIST/openwrt
mkdir -p "$out"
work=$ROOT/target/openwrt
description="Self-hosted dynamic DNS: DDNS update APIs (DynDNS2, DuckDNS and others), admin UI and an authoritative DNS server in one binary"

for pair in $OPENWRT_ARCHES; do
    owrt=${pair%%=*} arch=${pair#*=}
    need_binary "$arch"
    stage=$work/$owrt
    rm -rf "$stage" && mkdir -p "$stage"
    install -D -m 0755 "$(binary_path "$arch")" "$stage/usr/sbin/porchlight"
    install -D -m 0755 "$ROOT/config/openwrt/porchlight.init" "$stage/etc/init.d/porchlight"
    install -D -m 0600 "$ROOT/config/openwrt/porchlight.config" "$stage/etc/config/porchlight"
    install -D -m 0644 "$ROOT/config/openwrt/porchlight.capabilities.json" "$stage/etc/capabilities/porchlight.json"
    install -D -m 0644 "$ROOT/config/porchlight.toml" "$stage/etc/porchlight/porchlight.toml.example"
    install -D -m 0644 "$ROOT/config/openwrt/porchlight.json" "$stage/usr/share/ddns/default/porchlight.json"
    for fmt in ipk apk; do
        case $fmt in
            ipk) file=$out/porchlight_$VERSION-r${RELEASE}_$owrt.ipk ;;
            apk) file=$out/porchlight-$VERSION-r$RELEASE-$owrt.apk ;;
        esac
        python3 "$ROOT/firmware-image/package.py" "$fmt" "$stage" "$ROOT/config/openwrt" "$file" \
            --name porchlight --version "$VERSION-r$RELEASE" --arch "$owrt" \
            --description "$description" --license "MIT OR Apache-2.0" --conffile /etc/config/porchlight
        checksum "$file"
        echo "$file: $(wc -c < "$file") bytes"
    done
done
