#!/usr/bin/env bash
# The main job on one machine, no cluster: the operator's pipeline for one Recommender manifest. Trains the
# two-tower model on the bundled MovieLens data (or reuses the last bundle in out/ when the data and training
# settings are the same), starts the recommender service on it, load-tests it against the manifest's SLO,
# prints the report and the verdict, and stops everything it started. Exit status: 0 the SLO was met, 1 it was
# not, 2 the run could not be done.
#
#   scripts/run-local.sh [RECOMMENDER_YAML] [--retrain] [--bundle DIR] [--out DIR]
#
# Default manifest: examples/training-cpu-oci.yaml (its registry is not used locally). A manifest with
# features.source Redis (examples/training-redis.yaml) also gets a local redis-server on a free loopback port,
# loaded by training-job materialize, which the service reads. The jars are (re)built when missing or older
# than the sources.
set -euo pipefail
cd "$(dirname "$0")/.."
jars=(training-job/target/training-job.jar runtime-image/target/runtime-image.jar load-test/target/load-test.jar
      local-pipeline/target/local-pipeline.jar)
stale=0
for jar in "${jars[@]}"; do
    [[ -f "$jar" ]] || { stale=1; break; }
done
if ((stale == 0)); then
    oldest="$(ls -t "${jars[@]}" | tail -n 1)"
    if [[ -n "$(find pom.xml ./*/pom.xml model-bundle/src contracts/src feature-store/src recommender-api/src training-job/src runtime-image/src \
            load-test/src operator/src/main local-pipeline/src/main -newer "$oldest" -type f -print -quit)" ]]; then
        stale=1
    fi
fi
if ((stale)); then
    echo "run-local: building the jars (mvn package)" >&2
    mvn -B -q -ntp -pl local-pipeline -am package -DskipTests
fi
exec java -jar local-pipeline/target/local-pipeline.jar "$@"
