#!/usr/bin/env bash
# Installs everything the build and the tests need, idempotently; a second run does nothing new.
# Cached between runs: Maven's ~/.m2 and the Python environment in $RECOMMENDER_CACHE.
set -euo pipefail

CACHE="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
PYTHON_ENV="$CACHE/python"
# Python TensorFlow checks that exported SavedModels load with the loader TensorFlow Serving uses; moto is
# the AWS API emulator (ECR, EKS) behind the operator's AWS adapters' tests; locust is the real Locust 2.x
# master the load generator's worker mode is tested against.
PYTHON_PACKAGES=(tensorflow-cpu==2.20.0 'moto[server]==5.2.5' locust==2.47.0)

log() { printf '[setup] %s\n' "$*"; }

need_cmd() { command -v "$1" >/dev/null 2>&1; }

apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if ((${#missing[@]})); then
        log "apt-get install ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    fi
}

need_cmd java || { echo "setup: java (17) is required" >&2; exit 1; }
need_cmd mvn || apt_install maven
need_cmd python3 || { echo "setup: python3 is required" >&2; exit 1; }
need_cmd go || { echo "setup: go (1.24 or newer) is required to build the test control plane" >&2; exit 1; }
# redis-server (and redis-cli): the feature store's tests start their own on free loopback ports (one node, a
# three-node cluster, a replica); the package's own service on 6379 is not wanted, so it is stopped if it started.
apt_install openssl curl util-linux redis-server
if [[ -f /run/redis/redis-server.pid && -x /etc/init.d/redis-server ]]; then
    /etc/init.d/redis-server stop >/dev/null 2>&1 || true
fi
# A real OCI registry on loopback for image pushes in tests; htpasswd for its credentials.
apt_install docker-registry apache2-utils
# The real one-node cluster's packages (containerd, runc, CNI plugins, conntrack, ...; e2e-tests/node/README.md).
# Nothing is started; its binaries are built by node.sh up when first needed.
bash "$(dirname "$0")/../e2e-tests/node/install-deps.sh"

mkdir -p "$CACHE"
stamp="$PYTHON_ENV/.installed-$(printf '%s\n' "${PYTHON_PACKAGES[@]}" | sha256sum | cut -c1-16)"
python_pid=""
if [[ ! -f "$stamp" ]]; then
    # Mostly downloads: it runs beside the control plane's Go build, which is mostly compiling.
    log "python environment $PYTHON_ENV: ${PYTHON_PACKAGES[*]}"
    (
        python3 -m venv "$PYTHON_ENV"
        "$PYTHON_ENV/bin/pip" install -q --disable-pip-version-check "${PYTHON_PACKAGES[@]}"
        touch "$stamp"
    ) &
    python_pid=$!
fi
# The real control plane for the operator's tests: Kubernetes, etcd and kwok built from their Go modules,
# cached by version (the first build takes a while; see e2e-tests/cluster/README.md).
log "control plane binaries"
bash "$(dirname "$0")/../e2e-tests/cluster/build-binaries.sh" >/dev/null
if [[ -n "$python_pid" ]]; then
    wait "$python_pid" || { echo "setup: the python environment could not be installed" >&2; exit 1; }
fi
log "ready"
