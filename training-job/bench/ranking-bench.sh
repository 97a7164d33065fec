#!/usr/bin/env bash
# Ranking benchmark (issue #20): for seeds 42, 7 and 123, one full `train` run on the bundled ml-latest-small
# (which also exports its exact split), then the peers on that split (training-job/bench/peers.py): implicit ALS
# (defaults, and tuned on validation), implicit item-kNN, most popular, scikit-surprise BaselineOnly, SVD (tuned on
# validation RMSE) and KNNBaseline. The Python peers live in a bench-only venv created here; nothing of it enters
# the product. Prints figures; writes nothing but $WORK and the venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${WORK:-/tmp/ranking-bench}"
VENV="${BENCH_PYTHON:-$HOME/.cache/recommender-operator/bench-python}"
SEEDS="${SEEDS:-42 7 123}"
mkdir -p "$WORK"

if ! "$VENV/bin/python" -c "import implicit, surprise, pandas, threadpoolctl" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q implicit==0.7.2 scikit-surprise==1.1.5 pandas numpy scipy threadpoolctl
fi
mvn -B -q -ntp -pl training-job -am package -DskipTests

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p')"
for seed in $SEEDS; do
    echo "== seed $seed: train (default settings), wall time by /usr/bin/time"
    /usr/bin/time -f "wall %e s, max RSS %M KiB" java -jar training-job/target/training-job.jar train \
        --data data/ml-latest-small --out "$WORK/bundle-$seed" --export-split "$WORK/split-$seed" --seed "$seed" \
        --model-version 1 2>&1 | grep -E "^epoch|best epoch|ranking metrics|^RMSE|^recall|^NDCG|held-out|wall|bundle:"
    echo "== seed $seed: peers on the same split"
    "$VENV/bin/python" -W ignore training-job/bench/peers.py "$WORK/split-$seed" data/ml-latest-small/movies.csv "$seed"
done
