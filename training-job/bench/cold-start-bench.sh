#!/usr/bin/env bash
# Cold-start quality (issue #14): hold out 10 % of ml-latest-small's users entirely, train without them, then give
# each held-out user's first 5 ratings as their feature-store state and rank with the bundle's user tower through
# the service's feature code (out-of-vocabulary ID); recall@10 / NDCG@10 on their later ratings next to most-popular
# on the same users, and the warm users' figures of the same training run. Needs the jar and the test classes:
# mvn -B -pl training-job -am package -DskipTests  (test classes are compiled by package)
# Usage: training-job/bench/cold-start-bench.sh [share (0.1)] [first (5)] [seed (7)]
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARE="${1:-0.1}"
FIRST="${2:-5}"
SEED="${3:-7}"
JAR=training-job/target/training-job.jar
[[ -f "$JAR" && -d training-job/target/test-classes ]] || { echo "build first: mvn -B -pl training-job -am package -DskipTests" >&2; exit 2; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CP="training-job/target/test-classes:$JAR"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
java -cp "$CP" io.recommender.training.bench.ColdStartBench split data/ml-latest-small "$WORK" "$SHARE" "$SEED"
TF_CPP_MIN_LOG_LEVEL=2 java -jar "$JAR" train --data "$WORK/data" --out "$WORK/bundle" > "$WORK/train.log" 2>&1 \
  || { tail -20 "$WORK/train.log"; exit 1; }
grep -E '^(data|device):' "$WORK/train.log"
TF_CPP_MIN_LOG_LEVEL=2 java -cp "$CP" io.recommender.training.bench.ColdStartBench evaluate "$WORK/bundle" \
  data/ml-latest-small "$WORK/heldout.txt" "$FIRST"
