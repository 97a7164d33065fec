#!/usr/bin/env bash
# A development cluster on this machine: the project's local control plane (e2e-tests/cluster), the CRD, the
# operator run from operator/target against it, and examples/onepod-artifact.yaml applied.
#
#   dev-cluster.sh up      start (idempotent) and print how to watch
#   dev-cluster.sh down    stop the operator and the control plane (idempotent)
#
# The control plane's nodes are kwok's: pods are marked Running and Ready but no container runs, so the
# latency gate never gets a load-test report and the example ends Failed instead of promoted.
#
# State (operator pid, log, health port) lives in ${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}/dev-cluster.
# The operator watches only the namespace $DEV_NAMESPACE (default recommender-dev), so that it leaves alone the
# namespaces of tests sharing the control plane; its leader-election Lease is in that namespace too.
set -euo pipefail

cd "$(dirname "$0")/.."
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
state="$cache/dev-cluster"
namespace="${DEV_NAMESPACE:-recommender-dev}"
example="examples/onepod-artifact.yaml"
main_class="io.recommender.operator.OperatorMain"
classpath_file="operator/target/dev-classpath.txt"

log() { echo "dev-cluster: $*" >&2; }

operator_pid() {
  local pid
  pid="$(cat "$state/operator.pid" 2>/dev/null)" || return 1
  # A reused pid belongs to some other process.
  [[ -n "$pid" ]] && tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline" | grep -q "$main_class" || return 1
  echo "$pid"
}

kubectl_bin() {
  if [[ -n "${K8S_BIN:-}" ]]; then
    echo "$K8S_BIN/kubectl"
  else
    echo "$(bash e2e-tests/cluster/build-binaries.sh kubectl | tail -n 1)/kubectl"
  fi
}

# Builds the operator and writes its runtime classpath when either is missing or older than a source.
build_operator() {
  if [[ -f "$classpath_file" && -f "operator/target/classes/${main_class//.//}.class" ]] \
    && [[ -z "$(find operator/src/main recommender-api/src/main model-bundle/src/main load-test/src/main \
      operator/pom.xml -newer "$classpath_file" -print -quit)" ]]; then
    return
  fi
  log "building the operator (mvn -pl operator -am package)"
  mvn -B -q -ntp -pl operator -am package dependency:build-classpath -Dmaven.test.skip=true \
    -DincludeScope=runtime -Dmdep.outputFile=target/dev-classpath.txt
}

port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

start_operator() {
  local kubeconfig="$1" port i
  port=18081
  while ! port_free "$port"; do port=$((port + 1)); done
  echo "$port" > "$state/health-port"
  (
    export KUBECONFIG="$kubeconfig" WATCH_NAMESPACES="$namespace" POD_NAMESPACE="$namespace" HEALTH_PORT="$port" \
      HOSTNAME="dev-cluster-operator"
    # A session of its own, so that the end of the calling shell does not stop it.
    exec setsid java -XX:MaxRAMPercentage=25 -cp "operator/target/classes:$(cat "$classpath_file")" "$main_class" \
      > "$state/operator.log" 2>&1 < /dev/null
  ) &
  echo "$!" > "$state/operator.pid"
  for ((i = 0; i < 240; i++)); do
    if curl -fsS --max-time 2 "http://127.0.0.1:$port/readyz" > /dev/null 2>&1; then
      log "operator ready (pid $(cat "$state/operator.pid"), health and metrics on :$port)"
      return
    fi
    if ! kill -0 "$(cat "$state/operator.pid")" 2>/dev/null; then
      tail -n 30 "$state/operator.log" >&2
      log "the operator exited (log: $state/operator.log)"
      exit 1
    fi
    sleep 0.5
  done
  tail -n 30 "$state/operator.log" >&2
  log "the operator is not ready after 120 s (log: $state/operator.log)"
  exit 1
}

stop_operator() {
  local pid i
  if pid="$(operator_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "operator (pid $pid) ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "operator stopped"
  fi
  rm -f "$state/operator.pid"
}

up() {
  mkdir -p "$state"
  local kubeconfig kubectl
  kubeconfig="$(bash e2e-tests/cluster/control-plane.sh up | tail -n 1)"
  kubectl="$(kubectl_bin)"
  k() { "$kubectl" --kubeconfig "$kubeconfig" "$@"; }
  # Tests apply the same CRD with other field managers; this one takes the fields over.
  k apply --server-side --force-conflicts --field-manager=dev-cluster -f crds/recommenders.recommender.io-v1.yml > /dev/null
  k wait --for=condition=Established --timeout=60s crd/recommenders.recommender.io > /dev/null
  k create namespace "$namespace" --dry-run=client -o yaml | k apply -f - > /dev/null
  local pid
  if pid="$(operator_pid)"; then
    # Rebuilding under a running JVM would change classes it has yet to load.
    log "operator already running (pid $pid); down and up again to run a rebuilt one"
  else
    build_operator
    start_operator "$kubeconfig"
  fi
  k apply --namespace "$namespace" -f "$example"
  cat <<EOF

The operator runs from operator/target against the local control plane; its log is $state/operator.log.
Watch the example with:

  KUBECONFIG=$kubeconfig $kubectl get recommenders -n $namespace -w

and read its story with:

  KUBECONFIG=$kubeconfig $kubectl describe recommender movies -n $namespace

kwok's nodes run no containers: the serving pods are marked Ready, and the latency gate's Job is marked
Succeeded without the load test running, so it leaves no report. The example goes Deploying, Verifying,
then Failed with LatencyVerified=False (LoadTestFailed: the load test ended without a report).
Stop the operator and the control plane with: scripts/dev-cluster.sh down
EOF
}

case "${1:-}" in
  up) up ;;
  down)
    stop_operator
    bash e2e-tests/cluster/control-plane.sh down
    ;;
  *)
    echo "usage: $0 up|down" >&2
    exit 2
    ;;
esac
