#!/bin/sh
# Debian packages (Raspberry Pi OS, Debian, Ubuntu) for arm64, armhf and amd64, each holding
# the static binary of that CPU family:
#   /usr/bin/porchlight
#   /etc/porchlight/porchlight.toml                 settings (a conffile: upgrades keep edits)
#   /lib/systemd/system/porchlight.service          user porchlight, only CAP_NET_BIND_SERVICE,
#                                                   /var/lib/porchlight as its state directory
#   /lib/systemd/system/porchlight-console.service  the setup link on the console and in
#   /usr/lib/porchlight/console-link                /etc/issue.d/porchlight.issue
#   /usr/share/doc/porchlight/                      README, copyright
# Writes $DIST/deb/porchlight_$VERSION-1_ARCH.deb (+ .sha256).
#
# Variables (see lib.sh for DIST and VERSION):
#   DEB_ARCHES   "DEBIAN_ARCH=BINARY_ARCH ..." (default: arm64=aarch64 armhf=armv7 amd64=x86_64)
#   REVISION     Debian revision (default 1)
. "$(dirname "$0")/lib.sh"
DEB_ARCHES=${DEB_ARCHES:-"arm64=aarch64 armhf=armv7 amd64=x86_64"}
REVISION=${REVISION:-1}
out=$DIST/deb
mkdir -p "$out"
for pair in $DEB_ARCHES; do
    debarch=${pair%%=*} arch=${pair#*=}
    need_binary "$arch"
    stage=$ROOT/target/deb/$debarch
    rm -rf "$stage" && mkdir -p "$stage/DEBIAN"
    install -D -m 0755 "$(binary_path "$arch")" "$stage/usr/bin/porchlight"
    install -D -m 0644 "$ROOT/config/porchlight.toml" "$stage/etc/porchlight/porchlight.toml"
    for unit in porchlight.service porchlight-console.service; do
        install -D -m 0644 "$ROOT/config/debian/$unit" "$stage/lib/systemd/system/$unit"
    done
    install -D -m 0755 "$ROOT/config/debian/console-link" "$stage/usr/lib/porchlight/console-link"
    install -D -m 0644 "$ROOT/README.md" "$stage/usr/share/doc/porchlight/README.md"
    printf 'porchlight %s\nLicense: MIT OR Apache-2.0\n' "$VERSION" > "$stage/usr/share/doc/porchlight/copyright"
    for s in postinst prerm postrm; do
        install -m 0755 "$ROOT/config/debian/$s" "$stage/DEBIAN/$s"
    done
    echo /etc/porchlight/porchlight.toml > "$stage/DEBIAN/conffiles"
    cat > "$stage/DEBIAN/control" <<CONTROL
Package: porchlight
Version: $VERSION-$REVISION
Architecture: $debarch
Maintainer: porchlight maintainers <porchlight@localhost>
Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)
Depends: adduser
Section: net
Priority: optional
Description: self-hosted dynamic DNS appliance
 DDNS update APIs (DynDNS2, DuckDNS and others, so routers and ddclient work unchanged),
 an admin UI in the browser and an authoritative DNS server, in one static binary with
 its own SQLite database.
CONTROL
    file=$out/porchlight_$VERSION-${REVISION}_$debarch.deb
    dpkg-deb --root-owner-group -Zxz --build "$stage" "$file" >/dev/null
    checksum "$file"
    echo "$file: $(wc -c < "$file") bytes"
done
