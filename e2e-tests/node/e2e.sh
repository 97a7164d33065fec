#!/usr/bin/env bash
# The real-cluster tier: the e2e suite (e2e-tests, RecommenderE2eIT) on this machine's one-node cluster.
# Starts the node, a plain-http docker-registry on the node's bridge address (so that pods push to it and the
# node pulls from it), publishes the project's images there as a user would (scripts/publish.sh: operator,
# recommender runtime, training job, load test, and the TF Serving stand-in in place of tensorflow/serving, which
# cannot be pulled here; the suite installs them with the Helm chart and publish.sh's values) and pushes a Redis image made from this machine's
# redis-server (redis-image.sh), runs the suite, and stops what it started.
#
#   e2e.sh            run the suite
#   E2E_KEEP=1 e2e.sh leave the node and the registry running afterwards (for a look with kubectl)
#
# Exit status: the suite's.
set -euo pipefail
cd "$(dirname "$0")/../.."
node=e2e-tests/node/node.sh
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
state="$cache/e2e-registry"
bridge_ip=198.19.200.1
# The project's version: the first <version> of the root pom (it has no parent).
version="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)"

log() { echo "e2e: $*" >&2; }

registry_pid=""
cleanup() {
  if [[ "${E2E_KEEP:-}" == 1 ]]; then
    log "left running: the node ($node down) and the registry (pid $registry_pid)"
    return
  fi
  # wait reports the killed registry's 143: not this script's outcome.
  if [[ -n "$registry_pid" ]]; then kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null || true; fi
  bash "$node" down >/dev/null 2>&1 || true
}
trap 'rc=$?; cleanup; exit $rc' EXIT

kubeconfig="$(bash "$node" up)"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("'$bridge_ip'", 0)); print(s.getsockname()[1])')"
mkdir -p "$state/storage"
cat > "$state/config.yml" <<CONFIG
version: 0.1
storage:
  filesystem:
    rootdirectory: $state/storage
  delete:
    enabled: true
http:
  addr: $bridge_ip:$port
CONFIG
docker-registry serve "$state/config.yml" > "$state/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do curl -fsS "http://$bridge_ip:$port/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://$bridge_ip:$port/v2/" >/dev/null || { log "the registry did not start:"; tail -20 "$state/registry.log" >&2; exit 1; }
bash "$node" registry "$bridge_ip:$port" 2>/dev/null
registry="$bridge_ip:$port"
log "registry $registry"

# The operator's images, as a user publishes them: Jib pushes them and the install overlay pins them by digest.
# The stand-in takes tensorflow/serving's place, which cannot be pulled here.
install="$state/install"
bash scripts/publish.sh "$registry" --insecure --tfserving-standin --out "$install"
# Redis for the live-features test, from this machine's redis-server package (the node pulls nothing from outside).
redis_tar=e2e-tests/target/redis-image.tar
bash e2e-tests/node/redis-image.sh "$redis_tar"
redis_image="$(bash e2e-tests/node/push-image.sh "$redis_tar" "$registry/recommender-e2e-redis:$version")"
log "pushed $redis_image"

export E2E_KUBECONFIG="$kubeconfig"
export E2E_REGISTRY="$registry"
# Pods reach this machine at the bridge's address: the suite serves a dataset there for the schedule test.
export E2E_HOST_ADDRESS="$bridge_ip"
export E2E_INSTALL="$install"
# With the chart and publish.sh's values (the kustomize overlay is rendered and checked in PublishScriptIT).
export E2E_INSTALL_WITH=helm
export E2E_REDIS_IMAGE="$redis_image"
export E2E_UNINSTALL=true
export E2E_SMALL_NODE=true
# Long enough to outlast a rollout and its gate on this node (about 75 s), short enough for CI.
export E2E_STEADY_LOAD_SECONDS="${E2E_STEADY_LOAD_SECONDS:-120}"
mvn -B -ntp -pl e2e-tests verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=RecommenderE2eIT "$@"
