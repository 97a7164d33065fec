#!/usr/bin/env bash
# The project's one test command: installs what is missing, then builds every module and runs all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export RECOMMENDER_PYTHON="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}/python/bin/python"
exec mvn -B -ntp verify "$@"
