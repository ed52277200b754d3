#!/bin/sh
# The Debian packages: control fields, conffiles, file list with owners and modes, the
# binary's machine, maintainer scripts that parse, systemd units that `systemd-analyze verify`
# accepts, and the shipped /etc/porchlight/porchlight.toml accepted by the packaged binary
# (amd64 natively, the others under qemu-user). The real installation, with apt running the
# maintainer scripts and systemd starting the service, is the Raspberry Pi image build and
# its boot test (tests/firmware/rpi-boot.sh).
. "$(dirname "$0")/lib.sh"
debs=$(ls "$DIST"/deb/*.deb 2>/dev/null) || true
[ -n "$debs" ] || fail "no packages in $DIST/deb: firmware-image/build.sh deb"
for deb in $debs; do
    name=$(basename "$deb")
    check_sum "$deb"
    arch=${name#porchlight_"$VERSION"-1_}; arch=${arch%.deb}
    runner=$(runner_of "$arch")
    same "$name: Package" porchlight "$(dpkg-deb -f "$deb" Package)"
    same "$name: Version" "$VERSION-1" "$(dpkg-deb -f "$deb" Version)"
    same "$name: Architecture" "$arch" "$(dpkg-deb -f "$deb" Architecture)"
    same "$name: Depends" adduser "$(dpkg-deb -f "$deb" Depends)"
    t=$(mktemp -d)
    dpkg-deb -R "$deb" "$t/root"
    same "$name: conffiles" /etc/porchlight/porchlight.toml "$(cat "$t/root/DEBIAN/conffiles")"
    for s in postinst prerm postrm; do
        check "$name: $s is executable and parses" sh -c "[ -x '$t/root/DEBIAN/$s' ] && sh -n '$t/root/DEBIAN/$s'"
    done
    check "$name: console-link parses" sh -n "$t/root/usr/lib/porchlight/console-link"
    listing=$(dpkg-deb -c "$deb")
    for f in ./usr/bin/porchlight ./etc/porchlight/porchlight.toml ./lib/systemd/system/porchlight.service \
        ./lib/systemd/system/porchlight-console.service ./usr/lib/porchlight/console-link ./usr/share/doc/porchlight/copyright; do
        echo "$listing" | grep -q " $f\$" || fail "$name: $f missing"
    done
    echo "$listing" | grep -q '^-rwxr-xr-x root/root .* ./usr/bin/porchlight$' || fail "$name: binary mode or owner"
    [ -z "$(echo "$listing" | grep -v ' root/root ')" ] || fail "$name: files not owned by root"
    ok "$name: files, modes and owners"
    check_machine "$name" "$t/root/usr/bin/porchlight" "$arch"
    if command -v systemd-analyze >/dev/null 2>&1; then
        # verify resolves ExecStart= on the host, so point it at the unpacked tree.
        mkdir -p "$t/units"
        for u in porchlight.service porchlight-console.service; do
            sed "s|/usr/bin/porchlight|$t/root/usr/bin/porchlight|; s|/usr/lib/porchlight|$t/root/usr/lib/porchlight|" \
                "$t/root/lib/systemd/system/$u" > "$t/units/$u"
        done
        out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$t/units/porchlight.service" "$t/units/porchlight-console.service" 2>&1 |
            grep -v -e 'Failed to .*bus' -e 'Unit .*\.target not found' -e '^$') || true
        [ -z "$out" ] || fail "$name: systemd-analyze verify: $out"
        ok "$name: systemd units verify"
    fi
    sed "s|^data_dir = .*|data_dir = \"$t/data\"|" "$t/root/etc/porchlight/porchlight.toml" > "$t/porchlight.toml"
    $runner "$t/root/usr/bin/porchlight" check-config --config "$t/porchlight.toml" > "$t/check.out" 2>&1 ||
        { cat "$t/check.out"; fail "$name: the packaged binary rejects the shipped configuration"; }
    ok "$name: the packaged binary accepts /etc/porchlight/porchlight.toml"
    rm -rf "$t"
done
