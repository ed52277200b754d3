#!/bin/sh
# The OCI image archive: `skopeo inspect` sees one index with amd64, arm64 and arm/v7; each
# image's config has the entrypoint, a non-root user, the exposed ports and the /data volume;
# its only layer holds exactly /porchlight (the release binary, byte for byte) and /data.
# Then each image is run as a container would run it, without a container engine: its layer
# unpacked, its entrypoint and command started as its user in a private network namespace
# (chroot; ARM through qemu-user's binfmt handler; ports below 1024 open to every user, as
# Docker and Podman set it), and DNS and HTTP checked inside.
. "$(dirname "$0")/lib.sh"
archive=$DIST/porchlight-$VERSION-oci.tar
[ -f "$archive" ] || fail "$archive missing: firmware-image/build.sh oci"
check_sum "$archive"
ref=oci-archive:$archive:latest
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
skopeo inspect --raw "$ref" > "$t/index.json" || fail "skopeo cannot read $ref"
same "oci: index platforms" "amd64 linux -
arm64 linux -
arm linux v7" "$(python3 -c 'import json,sys
for m in json.load(open(sys.argv[1]))["manifests"]:
    p = m["platform"]; print(p["architecture"], p["os"], p.get("variant", "-"))' "$t/index.json")"
same "oci: tagged with the version too" "$(skopeo inspect --raw "$ref" | sha256sum)" \
    "$(skopeo inspect --raw "oci-archive:$archive:$VERSION" | sha256sum)"

for platform in amd64=x86_64 arm64=aarch64 arm/v7=armv7; do
    p=${platform%%=*} bin=$(binary_path "${platform#*=}")
    arch=${p%%/*} variant=${p#*/}; [ "$variant" = "$p" ] && variant=""
    over="--override-os linux --override-arch $arch${variant:+ --override-variant $variant}"
    skopeo inspect $over "$ref" > "$t/inspect.json" || fail "oci $p: skopeo inspect"
    skopeo inspect --config $over "$ref" > "$t/config.json" || fail "oci $p: skopeo inspect --config"
    same "oci $p: skopeo inspect" "$arch linux 1" "$(python3 -c 'import json,sys
i = json.load(open(sys.argv[1])); print(i["Architecture"], i["Os"], len(i["Layers"]))' "$t/inspect.json")"
    same "oci $p: entrypoint, command, user, ports, volume" \
        '["/porchlight"] ["serve", "--data-dir", "/data", "--http", "0.0.0.0:8080", "--dns", "0.0.0.0:53"] 65532:65532 53/tcp,53/udp,8080/tcp /data' \
        "$(python3 -c 'import json,sys
c = json.load(open(sys.argv[1]))["config"]
print(json.dumps(c["Entrypoint"]), json.dumps(c["Cmd"]), c["User"], ",".join(sorted(c["ExposedPorts"])), ",".join(c["Volumes"]))' "$t/config.json")"
    rm -rf "$t/img" "$t/rootfs"
    skopeo copy -q $over "$ref" "dir:$t/img" || fail "oci $p: skopeo copy"
    layer=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["layers"][0]["digest"].split(":")[1])' "$t/img/manifest.json")
    same "oci $p: layer contents" "data/
porchlight" "$(tar -tzf "$t/img/$layer" | sed 's|^\./||' | grep -v '^\.\{0,1\}$' | sort)"
    mkdir "$t/rootfs"
    tar -xzf "$t/img/$layer" -C "$t/rootfs" --numeric-owner
    same "oci $p: the release binary" "$(sha256sum < "$bin")" "$(sha256sum < "$t/rootfs/porchlight")"
    same "oci $p: /data belongs to the image's user" "65532:65532" "$(stat -c %u:%g "$t/rootfs/data")"
    # Run it as the image says, in its own network namespace with only loopback.
    cmd=$(python3 -c 'import json,sys
c = json.load(open(sys.argv[1]))["config"]; print(" ".join(c["Entrypoint"] + c["Cmd"]))' "$t/config.json")
    user=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["config"]["User"])' "$t/config.json")
    answer=$(unshare --net sh -c '
        ip link set lo up
        # As Docker and Podman set it in a container: any user may bind port 53.
        echo 0 > /proc/sys/net/ipv4/ip_unprivileged_port_start
        PORCHLIGHT_LOG=warn chroot --userspec="$2" "$1" $3 --zone '"$ZONE"' > "$1/../serve.log" 2>&1 &
        pid=$!
        i=0; until curl -s -o /dev/null http://127.0.0.1:8080/ || [ $i -gt 300 ]; do sleep 0.2; i=$((i + 1)); done
        curl -s -o /dev/null -w "%{http_code} " http://127.0.0.1:8080/
        dig +short +time=2 @127.0.0.1 '"$ZONE"' SOA | cut -d" " -f1
        kill $pid' sh "$t/rootfs" "$user" "$cmd") || true
    [ -n "$answer" ] || cat "$t/serve.log" >&2
    same "oci $p: running as the image says, it serves HTTP on 8080 and DNS on 53" "200 ns1.$ZONE." "$answer"
done
