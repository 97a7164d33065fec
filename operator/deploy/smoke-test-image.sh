#!/usr/bin/env bash
# Runs the operator image as a kubelet would, without Docker: unpacks the OCI tarball Jib wrote into a root
# filesystem and starts it with runc as user 65532 on a READ-ONLY root with a tmpfs /tmp, on the host's
# loopback.
#
#   smoke-test-image.sh [image.tar]                  no cluster: the operator must fail to connect, and for
#                                                    that reason only (no missing class, module or writable path)
#   smoke-test-image.sh [image.tar] <kubeconfig>     a cluster: the operator must become healthy and ready,
#                                                    then serve /metrics; it watches only recommender-system,
#                                                    so it leaves the Recommenders of other namespaces alone
#
# Needs root; installs the apt packages runc and jq if missing.
set -euo pipefail

image="$(readlink -f "${1:-operator/target/operator-image.tar}")"
kubeconfig="${2:+$(readlink -f "$2")}"
# shellcheck source=../../e2e-tests/lib/smoke-image.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../e2e-tests/lib/smoke-image.sh"
smoke_image_prepare "recommender-operator-smoke-$$" "$image"
mkdir -p "$work/kube"

health_port="$(pick_port)"
if [[ -n "$kubeconfig" ]]; then
  cp "$kubeconfig" "$work/kube/config"
else
  # Nothing listens on the port of this API server address.
  cat > "$work/kube/config" <<KUBECONFIG
apiVersion: v1
kind: Config
clusters:
- name: none
  cluster:
    server: https://127.0.0.1:$(pick_port)
    insecure-skip-tls-verify: true
users:
- name: none
  user:
    token: none
contexts:
- name: none
  context: {cluster: none, user: none}
current-context: none
KUBECONFIG
fi
chmod -R a+rX "$work/kube"

smoke_image_spec 64m /var/run/kube "$work/kube" "HEALTH_PORT=$health_port" "KUBECONFIG=/var/run/kube/config" \
  "POD_NAMESPACE=recommender-system" "WATCH_NAMESPACES=recommender-system" "HOSTNAME=smoke-test"

log="$work/container.log"
smoke_image_run
smoke_image_check_uid

# Failures that mean the image, not the cluster, is wrong.
broken='NoClassDefFoundError|ClassNotFoundException|UnsatisfiedLinkError|Read-only file system|AccessDeniedException|module .* not found'
check_not_broken() {
  if grep -E "$broken" "$log" >&2; then
    echo "smoke-test: FAILED, the image is broken (above)" >&2
    exit 1
  fi
}

if [[ -z "$kubeconfig" ]]; then
  # The operator exits when it cannot start, so that the kubelet restarts it.
  stopped=""
  for _ in $(seq 1 120); do
    if [ "$(runc state "$smoke_id" | jq -r .status)" = stopped ]; then
      stopped=yes
      break
    fi
    sleep 0.5
  done
  check_not_broken
  # The JDK HTTP client's retried connect throws a ConnectException without the "Connection refused" text.
  grep -qE 'java.net.ConnectException|Connection refused' "$log" \
    || { echo "smoke-test: FAILED, no connection error; log:" >&2; tail -40 "$log" >&2; exit 1; }
  echo "smoke-test: without a cluster it fails as it should: $(grep -m1 -oE 'java.net.ConnectException.*|Connection refused.*' "$log" | cut -c1-200)"
  [ -n "$stopped" ] || { echo "smoke-test: FAILED, still running 60 s after failing to start" >&2; exit 1; }
  echo "smoke-test: and it exited"
  echo "smoke-test: OK"
  exit 0
fi

ready=""
for _ in $(seq 1 240); do
  if curl -sf -m 2 "http://127.0.0.1:$health_port/readyz" > /dev/null \
    && curl -sf -m 2 "http://127.0.0.1:$health_port/healthz" > /dev/null; then
    ready=yes
    break
  fi
  sleep 0.5
done
check_not_broken
[ -n "$ready" ] || { echo "smoke-test: FAILED, not healthy and ready; log:" >&2; tail -40 "$log" >&2; exit 1; }
echo "smoke-test: healthy and ready: $(grep -m1 'recommender operator started' "$log" | cut -c1-200)"
metrics="$(curl -sf -m 5 "http://127.0.0.1:$health_port/metrics" | grep -c '^[a-z]')"
echo "smoke-test: /metrics serves $metrics samples"
[ "$metrics" -gt 0 ] || { echo "smoke-test: FAILED, no metrics" >&2; exit 1; }
grep -E 'leader|Leader' "$log" | head -3 || true
echo "smoke-test: OK"
