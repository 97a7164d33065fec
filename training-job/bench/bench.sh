#!/usr/bin/env bash
# Training benchmark: one full `train` run on the bundled ml-latest-small (wall time, metrics against the
# baselines, peak heap), scikit-surprise SVD on exactly the same split, and the reader alone on a generated
# 25-million-row ratings file (memory per row, not per byte). Prints figures; writes nothing but $WORK.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${WORK:-/tmp/training-bench}"
CACHE="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
PY="$CACHE/python/bin/python"
mkdir -p "$WORK"

bash scripts/setup.sh >/dev/null
"$PY" -c "import surprise, pandas" 2>/dev/null || "$CACHE/python/bin/pip" install -q scikit-surprise==1.1.5 pandas
mvn -B -q -ntp -pl training-job -am package -DskipTests
mvn -B -q -ntp -pl training-job test-compile

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p')"
echo "== train (default settings, seed 42), wall time by /usr/bin/time"
/usr/bin/time -f "wall %e s, max RSS %M KiB" java -jar training-job/target/training-job.jar train \
    --data data/ml-latest-small --out "$WORK/bundle" --export-split "$WORK/split" --seed 42 2>&1 \
    | grep -vE "^[0-9-]+ [0-9:.]+: I |^I0000|^WARNING: All log|^To enable|saved_model/"

echo "== scikit-surprise SVD (defaults) on the same split"
"$PY" training-job/bench/surprise_svd.py "$WORK/split" data/ml-latest-small/movies.csv 42

echo "== reader alone on 25,000,000 generated ratings (-Xmx1g)"
java -Xmx1g -cp training-job/target/test-classes:training-job/target/training-job.jar \
    io.recommender.training.bench.ReaderMemoryBench data/ml-latest-small/movies.csv "$WORK/ratings-25m.csv"
