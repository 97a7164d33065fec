#!/usr/bin/env bash
# Builds a Redis image for the node from this machine's Debian redis-server package (the node has no internet, so
# nothing is pulled): redis-server and redis-cli with the shared libraries ldd names, as one layer, in the OCI
# layout Jib's tarballs use, which push-image.sh pushes. Reproducible (fixed times and
# owners). Runs as user 65532 with its data under /tmp (the pod mounts an emptyDir there).
#
#   redis-image.sh OUT.tar
set -euo pipefail

out="$(realpath -m "$1")"
for tool in redis-server redis-cli ldd python3; do
  command -v "$tool" > /dev/null || { echo "redis-image: $tool is missing (apt-get install redis-server)" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"
mkdir -p "$root/usr/bin" "$root/tmp"
# redis-server is a link to redis-check-rdb, which picks its mode from argv[0]: the image names it redis-server.
cp -L "$(command -v redis-server)" "$root/usr/bin/redis-server"
cp -L "$(command -v redis-cli)" "$root/usr/bin/redis-cli"
for lib in $( (ldd "$(command -v redis-server)"; ldd "$(command -v redis-cli)") | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' | sort -u); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
chmod 1777 "$root/tmp"
(cd "$root" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" .)
gzip -n -9 < "$work/layer.tar" > "$work/layer.tar.gz"

python3 - "$work" <<'PY'
import hashlib, json, os, sys
work = sys.argv[1]
blobs = os.path.join(work, "oci", "blobs", "sha256")
os.makedirs(blobs)
def put(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest, len(data)
diff_id = "sha256:" + hashlib.sha256(open(os.path.join(work, "layer.tar"), "rb").read()).hexdigest()
layer, layer_size = put(open(os.path.join(work, "layer.tar.gz"), "rb").read())
config, config_size = put(json.dumps({
    "architecture": "amd64", "os": "linux", "created": "1970-01-01T00:00:00Z",
    "config": {"Entrypoint": ["/usr/bin/redis-server"], "User": "65532:65532", "WorkingDir": "/tmp",
               "ExposedPorts": {"6379/tcp": {}}},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "e2e-tests/node/redis-image.sh"}],
}, sort_keys=True).encode())
manifest, manifest_size = put(json.dumps({
    "schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config, "size": config_size},
    "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer, "size": layer_size}],
}, sort_keys=True).encode())
with open(os.path.join(work, "oci", "index.json"), "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                  "digest": manifest, "size": manifest_size}]}, f)
with open(os.path.join(work, "oci", "oci-layout"), "w") as f:
    json.dump({"imageLayoutVersion": "1.0.0"}, f)
PY
mkdir -p "$(dirname "$out")"
(cd "$work/oci" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$out.tmp" oci-layout index.json blobs)
mv -f "$out.tmp" "$out"
