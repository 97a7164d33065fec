#!/usr/bin/env bash
# The main job on one machine, no cluster: train the two-tower model on the bundled MovieLens data,
# evaluate it against the baselines, print the metrics and a sample of recommendations, and write the
# model bundle to out/bundle. Extra arguments go to `training-job train` (see --help).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f training-job/target/training-job.jar ]]; then
    mvn -B -q -ntp -pl training-job -am package -DskipTests
fi
exec java -jar training-job/target/training-job.jar train --data data/ml-latest-small --out out/bundle "$@"
