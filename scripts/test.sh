#!/usr/bin/env bash
# The project's one test command: installs what is missing, then builds every module and runs all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RECOMMENDER_PYTHON="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}/python/bin/python"
# The operator's *IT tests share one control plane; stop it whatever happens to the build.
trap 'bash e2e-tests/cluster/control-plane.sh down >/dev/null 2>&1 || true' EXIT
bash e2e-tests/cluster/control-plane.sh up >/dev/null
mvn -B -ntp verify "$@"
