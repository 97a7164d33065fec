#!/usr/bin/env bash
# The project's one test command: installs what is missing, builds every module and its container image, runs
# all tests, then the real-cluster tier on a one-node Kubernetes cluster of this machine: the node's smoke test
# and the e2e suite (e2e-tests/node/smoke.sh, e2e.sh). RECOMMENDER_SKIP_REAL_CLUSTER=1 leaves that tier out (a quicker local loop; CI runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RECOMMENDER_PYTHON="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}/python/bin/python"
# The operator's *IT tests share one control plane; stop it whatever happens to the build.
trap 'bash e2e-tests/cluster/control-plane.sh down >/dev/null 2>&1 || true' EXIT
bash e2e-tests/cluster/control-plane.sh up >/dev/null
node_build=""
if [[ "${RECOMMENDER_SKIP_REAL_CLUSTER:-}" != 1 ]]; then
    # The node's own binaries (a no-op once cached) build at the lowest priority while Maven runs, in the time
    # its tests leave the cores idle; the build waits for them before the node starts.
    mkdir -p target
    nice -n 19 bash e2e-tests/cluster/build-binaries.sh kubelet kube-proxy coredns > target/node-binaries.log 2>&1 &
    node_build=$!
fi
# install, not verify: the real-cluster tier then runs e2e-tests alone against the modules just built.
mvn -B -ntp install -Pimage "$@"
bash e2e-tests/cluster/control-plane.sh down >/dev/null
if [[ "${RECOMMENDER_SKIP_REAL_CLUSTER:-}" != 1 ]]; then
    wait "$node_build" || { cat target/node-binaries.log >&2; echo "test: the node's binaries did not build" >&2; exit 1; }
    # The node itself first: a component that fails to start, pods from a registry, Services, DNS, a replica
    # killed under load, and nothing left behind by down.
    bash e2e-tests/node/smoke.sh
    bash e2e-tests/node/e2e.sh
fi
