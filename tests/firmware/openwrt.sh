#!/bin/sh
# The OpenWrt packages: unpacks every .ipk and .apk in $DIST/openwrt and checks the control
# fields, conffiles, file list, modes and the binary's machine; the package scripts pass
# `sh -n` and run against stand-ins for OpenWrt's functions (user created, service enabled);
# the init script's start_service runs against stand-in procd helpers with the shipped UCI
# file, and the TOML it writes and the command it hands procd are then run for real (under
# qemu-user for a router CPU): the zone from UCI answers DNS and an update goes through.
#
#   tests/firmware/openwrt.sh        RUN_PACKAGES: packages whose service is started
#                                    (default: mipsel_24kc .ipk, aarch64_cortex-a53 .apk)
. "$(dirname "$0")/lib.sh"
here=$(cd "$(dirname "$0")" && pwd)
RUN_PACKAGES=${RUN_PACKAGES:-"porchlight_${VERSION}-r1_mipsel_24kc.ipk porchlight-${VERSION}-r1-aarch64_cortex-a53.apk"}
pkgs=$(ls "$DIST"/openwrt/*.ipk "$DIST"/openwrt/*.apk 2>/dev/null) || true
[ -n "$pkgs" ] || fail "no packages in $DIST/openwrt: firmware-image/build.sh openwrt"

for pkg in $pkgs; do
    name=$(basename "$pkg")
    check_sum "$pkg"
    t=$(mktemp -d)
    mkdir "$t/control" "$t/data"
    case $name in
    *.ipk)
        arch=${name#porchlight_"$VERSION"-r1_}; arch=${arch%.ipk}
        tar -xzf "$pkg" -C "$t"
        same "$name: debian-binary" "2.0" "$(cat "$t/debian-binary")"
        tar -xzf "$t/control.tar.gz" -C "$t/control"
        tar -xzf "$t/data.tar.gz" -C "$t/data"
        field() { sed -n "s/^$1: //p" "$t/control/control"; }
        same "$name: Package" porchlight "$(field Package)"
        same "$name: Version" "$VERSION-r1" "$(field Version)"
        same "$name: Architecture" "$arch" "$(field Architecture)"
        check "$name: Installed-Size" test "$(field Installed-Size)" -gt 1000000
        same "$name: conffiles" "/etc/config/porchlight" "$(cat "$t/control/conffiles")"
        post=$t/control/postinst pre=$t/control/prerm
        listing=$(tar --warning=no-unknown-keyword -tvzf "$t/data.tar.gz")
        ;;
    *.apk)
        arch=${name#porchlight-"$VERSION"-r1-}; arch=${arch%.apk}
        # Two gzip streams: control (.PKGINFO, scripts) and data; check the data hash and
        # every file's APK-TOOLS.checksum.SHA1 as apk does.
        python3 - "$pkg" "$t" <<'PY' || fail "$name: apk structure"
import hashlib, io, sys, tarfile, zlib
raw = open(sys.argv[1], "rb").read()
d = zlib.decompressobj(16 + zlib.MAX_WBITS)
control = d.decompress(raw)
data_gz = d.unused_data
with tarfile.open(fileobj=io.BytesIO(control + b"\0" * 1024)) as t:
    t.extractall(sys.argv[2] + "/control", filter="data")
pkginfo = dict(l.split(" = ", 1) for l in open(sys.argv[2] + "/control/.PKGINFO").read().splitlines() if " = " in l)
assert pkginfo["datahash"] == hashlib.sha256(data_gz).hexdigest(), "datahash"
with tarfile.open(fileobj=io.BytesIO(data_gz), mode="r:gz") as t:
    for m in t.getmembers():
        if m.isfile():
            got = hashlib.sha1(t.extractfile(m).read()).hexdigest()
            assert m.pax_headers.get("APK-TOOLS.checksum.SHA1") == got, m.name
    t.extractall(sys.argv[2] + "/data", filter="data")
with open(sys.argv[2] + "/data.tar.gz", "wb") as f:
    f.write(data_gz)
PY
        ok "$name: datahash and per-file SHA-1 match"
        field() { sed -n "s/^$1 = //p" "$t/control/.PKGINFO"; }
        same "$name: pkgname" porchlight "$(field pkgname)"
        same "$name: pkgver" "$VERSION-r1" "$(field pkgver)"
        same "$name: arch" "$arch" "$(field arch)"
        post=$t/control/.post-install pre=$t/control/.pre-deinstall
        listing=$(tar --warning=no-unknown-keyword -tvzf "$t/data.tar.gz")
        ;;
    esac
    for s in "$post" "$pre" "$t/data/etc/init.d/porchlight"; do
        check "$name: $(basename "$s") is executable and parses" sh -c "[ -x '$s' ] && sh -n '$s'"
    done
    for f in ./usr/sbin/porchlight ./etc/init.d/porchlight ./etc/config/porchlight \
        ./etc/capabilities/porchlight.json ./etc/porchlight/porchlight.toml.example ./usr/share/ddns/default/porchlight.json; do
        echo "$listing" | grep -q " $f\$" || fail "$name: $f missing"
    done
    echo "$listing" | grep -q '^-rwxr-xr-x root/root .* ./usr/sbin/porchlight$' || fail "$name: binary mode or owner"
    echo "$listing" | grep -q '^-rw------- root/root .* ./etc/config/porchlight$' || fail "$name: UCI file mode"
    ok "$name: files, modes and owners"
    check_machine "$name" "$t/data/usr/sbin/porchlight" "$arch"
    for j in etc/capabilities/porchlight.json usr/share/ddns/default/porchlight.json; do
        check "$name: $j is JSON" python3 -m json.tool "$t/data/$j" /dev/null
    done
    grep -q '"CAP_NET_BIND_SERVICE"' "$t/data/etc/capabilities/porchlight.json" || fail "$name: capability"

    # The install script against stand-ins: makes the user, enables the service.
    r=$t/instroot
    mkdir -p "$r/lib" "$r/etc"
    cat > "$r/lib/functions.sh" <<STUB
user_exists() { grep -q "^\$1:" "$r/etc/passwd" 2>/dev/null; }
group_add_next() { echo "group_add_next \$*" >> "$r/calls"; echo 372; }
user_add() { echo "user_add \$*" >> "$r/calls"; echo "\$1:x:372:\$3::\$5:\$6" >> "$r/etc/passwd"; }
STUB
    printf '#!/bin/sh\necho "rc.common $*" >> "%s/calls"\n' "$r" > "$r/etc/rc.common"
    chmod +x "$r/etc/rc.common"
    IPKG_INSTROOT=$r sh "$post" || fail "$name: install script failed"
    same "$name: install script makes the user and enables the service" \
        "group_add_next porchlight
user_add porchlight  372 porchlight /var/empty /bin/false
rc.common $r/etc/init.d/porchlight enable" "$(cat "$r/calls")"
    IPKG_INSTROOT=$r sh "$post" || fail "$name: second install script run failed"
    same "$name: an upgrade keeps the user" 1 "$(grep -c '^porchlight:' "$r/etc/passwd")"
    IPKG_INSTROOT=$r sh "$pre" || fail "$name: removal script failed"

    case " $RUN_PACKAGES " in *" $name "*) ;; *) rm -rf "$t"; continue ;; esac

    # start_service with the shipped UCI file (ports and data moved into the test directory).
    http=$(free_port) dns=$(free_port)
    mkdir -p "$t/uci"
    sed -e "s|option data_dir .*|option data_dir '$t/data-dir'|" -e "s|option http .*|option http '127.0.0.1:$http'|" \
        -e "s|list dns .*|list dns '127.0.0.1:$dns'|" -e "s|dyn.example.com|router.example.test|" \
        "$t/data/etc/config/porchlight" > "$t/uci/porchlight"
    echo 'porchlight:x:372:372::/var/empty:/bin/false' > "$t/passwd"
    log=$t/procd.log
    (
        UCI_DIR=$t/uci PROCD_LOG=$log
        . "$here/uci-stubs.sh"
        chown() { echo "chown $*" >> "$PROCD_LOG"; }
        . "$t/data/etc/init.d/porchlight"
        PROG=$t/data/usr/sbin/porchlight OWN_CONF=$t/own.toml RUN_CONF=$t/var/etc/porchlight.toml
        start_service
        service_triggers
    ) || fail "$name: start_service failed"
    conf=$t/var/etc/porchlight.toml
    grep -qx "command $t/data/usr/sbin/porchlight serve --config $conf --data-dir $t/data-dir" "$log" || { cat "$log"; fail "$name: procd command"; }
    for line in "user porchlight" "group porchlight" "capabilities /etc/capabilities/porchlight.json" \
        "no_new_privs 1" "limits as=134217728 134217728" "respawn 3600 5 5" "file /etc/config/porchlight" \
        "chown -R porchlight:porchlight $t/data-dir" "reload_trigger porchlight"; do
        grep -qxF "$line" "$log" || { cat "$log"; fail "$name: procd lacks '$line'"; }
    done
    ok "$name: start_service hands procd the command, user, capability, limit and respawn"
    grep -qx 'name = "router.example.test"' "$conf" || { cat "$conf"; fail "$name: zone from UCI"; }
    grep -qx 'nameservers = \["ns1.example.com"\]' "$conf" || { cat "$conf"; fail "$name: nameservers from UCI"; }
    runner=$(runner_of "$arch")
    $runner "$t/data/usr/sbin/porchlight" check-config --config "$conf" > "$t/check.out" 2>&1 || { cat "$t/check.out"; fail "$name: porchlight rejects the TOML the init script wrote"; }
    ok "$name: porchlight accepts the TOML the init script wrote"
    cmd=$(sed -n 's/^command //p' "$log")
    PORCHLIGHT_LOG=warn $runner $cmd > "$t/serve.log" 2>&1 &
    pid=$!
    wait_http "$http" 120 || { kill $pid; cat "$t/serve.log"; fail "$name: service does not start"; }
    same "$name: DNS answers for the UCI zone" "ns1.example.com." "$(dig +short -p "$dns" @127.0.0.1 router.example.test NS)"
    kill $pid; wait $pid 2>/dev/null || true
    rm -rf "$t"
done
