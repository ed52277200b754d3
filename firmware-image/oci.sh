#!/bin/sh
# Multi-arch OCI image from scratch, built without any container engine (umoci writes the
# per-architecture images, a few lines of Python the index that joins them). Each image holds
# only the static binary and an empty /data; it runs as 65532:65532, serves HTTP on 8080 and
# DNS on 53 (UDP and TCP), keeps its database in the volume /data.
# Writes $DIST/porchlight-$VERSION-oci.tar: an OCI image layout (tags $VERSION and latest)
# that `skopeo copy --all oci-archive:…` pushes to a registry and `docker load` reads.
#
# Variables (see lib.sh for DIST and VERSION):
#   OCI_ARCHES        "PLATFORM=BINARY_ARCH ..." (default: amd64=x86_64 arm64=aarch64 arm/v7=armv7)
. "$(dirname "$0")/lib.sh"
OCI_ARCHES=${OCI_ARCHES:-"amd64=x86_64 arm64=aarch64 arm/v7=armv7"}
created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
apt_install umoci
work=$ROOT/target/oci
layout=$work/layout
rm -rf "$work" && mkdir -p "$work"
umoci init --layout "$layout"
for pair in $OCI_ARCHES; do
    platform=${pair%%=*} arch=${pair#*=}
    need_binary "$arch"
    tag=$(echo "$platform" | tr / -)
    umoci new --image "$layout:$tag"
    umoci unpack --image "$layout:$tag" "$work/$tag" >/dev/null
    install -D -m 0755 "$(binary_path "$arch")" "$work/$tag/rootfs/porchlight"
    install -d -m 0750 -o 65532 -g 65532 "$work/$tag/rootfs/data"
    find "$work/$tag/rootfs" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    umoci repack --history.created "$created" --history.created_by "firmware-image/oci.sh: the static binary and /data" \
        --image "$layout:$tag" "$work/$tag"
    umoci config --no-history --image "$layout:$tag" --created "$created" \
        --os linux --architecture "${platform%%/*}" \
        --config.entrypoint /porchlight \
        --config.cmd serve --config.cmd --data-dir --config.cmd /data \
        --config.cmd --http --config.cmd 0.0.0.0:8080 --config.cmd --dns --config.cmd 0.0.0.0:53 \
        --config.user 65532:65532 --config.workingdir /data --config.volume /data \
        --config.exposedports 8080/tcp --config.exposedports 53/udp --config.exposedports 53/tcp \
        --config.env PORCHLIGHT_LOG=info \
        --config.label "org.opencontainers.image.title=porchlight" \
        --config.label "org.opencontainers.image.version=$VERSION" \
        --config.label "org.opencontainers.image.licenses=MIT OR Apache-2.0"
done
umoci gc --layout "$layout"
# Join the per-architecture manifests into one index, tagged $VERSION and latest.
python3 - "$layout" "$VERSION" "$OCI_ARCHES" <<'PY'
import hashlib, json, os, sys
layout, version, arches = sys.argv[1], sys.argv[2], sys.argv[3].split()
index_path = os.path.join(layout, "index.json")
index = json.load(open(index_path))
by_tag = {m["annotations"]["org.opencontainers.image.ref.name"]: m for m in index["manifests"]}
manifests = []
for pair in arches:
    platform = pair.split("=")[0]
    arch, _, variant = platform.partition("/")
    m = dict(by_tag[platform.replace("/", "-")])
    m.pop("annotations", None)
    m["platform"] = {"architecture": arch, "os": "linux", **({"variant": variant} if variant else {})}
    manifests.append(m)
blob = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": manifests}, separators=(",", ":")).encode()
digest = hashlib.sha256(blob).hexdigest()
open(os.path.join(layout, "blobs", "sha256", digest), "wb").write(blob)
ref = {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + digest, "size": len(blob)}
index["manifests"] = [dict(ref, annotations={"org.opencontainers.image.ref.name": t}) for t in (version, "latest")]
json.dump(index, open(index_path, "w"), separators=(",", ":"))
PY
file=$DIST/porchlight-$VERSION-oci.tar
find "$layout" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" -C "$layout" -cf "$file" .
checksum "$file"
echo "$file: $(wc -c < "$file") bytes"
