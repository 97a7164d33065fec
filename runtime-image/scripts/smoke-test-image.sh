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
# shellcheck source=../../e2e-tests/lib/smoke-image.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../e2e-tests/lib/smoke-image.sh"
smoke_image_prepare "recommender-smoke-$$" "$image"
# A readable copy: bundle writers stage in private (0700) temp directories, and the service is not root.
cp -r "$bundle" "$work/model-bundle"
chmod -R a+rX "$work/model-bundle"
smoke_image_spec 2g /opt/recommender/bundle "$work/model-bundle" "PORT=$port"

start=$(date +%s.%N)
smoke_image_run
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
smoke_image_check_uid
grep -E 'serving model|ERROR' "$work/container.log" | head -5 || true
echo "smoke-test: OK"
