#!/usr/bin/env bash
# Runs the built image as a kubelet would, without Docker: unpacks the OCI tarball Jib wrote into a root
# filesystem and starts it with runc as user 65532 on a READ-ONLY root, a tmpfs /tmp (the image's only
# writable path) and a model bundle bind-mounted read-only at /opt/recommender/bundle, on the host's
# loopback; waits for readiness, asks for recommendations, and reports the time from start to ready.
# Needs root; installs the apt packages runc and jq if missing.
# Usage: smoke-test-image.sh <bundle-dir> [image.tar (default runtime-image/target/runtime-image.tar)] [port]
set -euo pipefail

bundle="$(readlink -f "$1")"
image="$(readlink -f "${2:-runtime-image/target/runtime-image.tar}")"
port="${3:-18081}"
id="recommender-smoke-$$"
for tool in runc jq curl; do
  command -v "$tool" >/dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }
done

work="$(mktemp -d)"
cleanup() {
  runc kill "$id" KILL 2>/dev/null || true
  sleep 1
  runc delete -f "$id" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/oci" "$work/container/rootfs"
# A readable copy: bundle writers stage in private (0700) temp directories, and the service is not root.
cp -r "$bundle" "$work/model-bundle"
chmod -R a+rX "$work/model-bundle"
bundle="$work/model-bundle"
tar -xf "$image" -C "$work/oci" 2>/dev/null
blob() { echo "$work/oci/blobs/sha256/${1#sha256:}"; }
manifest="$(blob "$(jq -r '.manifests[0].digest' "$work/oci/index.json")")"
config="$(blob "$(jq -r '.config.digest' "$manifest")")"
for layer in $(jq -r '.layers[].digest' "$manifest"); do
  tar -xzf "$(blob "$layer")" -C "$work/container/rootfs" 2>/dev/null
done

(cd "$work/container" && runc spec)
jq --argjson args "$(jq '.config.Entrypoint + (.config.Cmd // [])' "$config")" \
   --argjson env "$(jq --arg port "$port" '.config.Env + ["PORT=" + $port]' "$config")" \
   --arg bundle "$bundle" '
  .root.readonly = true
  | .process.terminal = false
  | .process.user = {uid: 65532, gid: 65532}
  | .process.args = $args
  | .process.env = $env
  | .process.cwd = "/"
  | .linux.namespaces |= map(select(.type != "network"))
  | .mounts += [
      {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777", "size=2g"]},
      {destination: "/opt/recommender/bundle", type: "bind", source: $bundle, options: ["rbind", "ro"]}]
' "$work/container/config.json" > "$work/config.json"
mv "$work/config.json" "$work/container/config.json"
echo "smoke-test: user $(jq -c .process.user "$work/container/config.json"), read-only root $(jq .root.readonly "$work/container/config.json")"
echo "smoke-test: entrypoint $(jq -c .process.args "$work/container/config.json")"

start=$(date +%s.%N)
runc run -d --bundle "$work/container" "$id" > "$work/container.log" 2>&1
ready=""
for _ in $(seq 1 240); do
  if curl -sf -m 2 "http://127.0.0.1:$port/health/readiness" > "$work/ready.json"; then
    ready=$(date +%s.%N)
    break
  fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "smoke-test: FAILED, not ready; container log:" >&2
  tail -50 "$work/container.log" >&2
  exit 1
fi
echo "smoke-test: ready after $(awk "BEGIN {printf \"%.1f\", $ready - $start}") s: $(jq -c '.details.model.details' "$work/ready.json")"
answer="$(curl -sf -m 10 -H 'Content-Type: application/json' -d '{"uid": 1}' "http://127.0.0.1:$port/predict")"
echo "smoke-test: /predict uid 1 -> $answer"
[ "$(echo "$answer" | jq '.Recommended | length')" = 10 ] || { echo "smoke-test: FAILED, not 10 items" >&2; exit 1; }
uid="$(awk '/^Uid:/ {print $2}' "/proc/$(runc state "$id" | jq .pid)/status")"
echo "smoke-test: the JVM runs as uid $uid"
[ "$uid" = 65532 ] || { echo "smoke-test: FAILED, not the non-root user" >&2; exit 1; }
grep -E 'serving model|ERROR' "$work/container.log" | head -5 || true
echo "smoke-test: OK"
