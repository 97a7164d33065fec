#!/usr/bin/env bash
# Throughput of `training-job materialize` into a local redis-server (started here on a free loopback port,
# no persistence, stopped at the end). Needs the jar: mvn -B -pl training-job -am package -DskipTests
# Usage: training-job/bench/materialize-bench.sh [data dir (data/ml-latest-small)] [runs (3)]
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA="${1:-data/ml-latest-small}"
RUNS="${2:-3}"
JAR=training-job/target/training-job.jar
[[ -f "$JAR" ]] || { echo "build the jar first: mvn -B -pl training-job -am package -DskipTests" >&2; exit 2; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DIR=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$DIR" --daemonize no \
    --logfile "$DIR/redis.log" &
REDIS=$!
trap 'kill $REDIS 2>/dev/null; wait $REDIS 2>/dev/null; rm -rf "$DIR"' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.05; done
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(redis-server --version | cut -d' ' -f3)"
for run in $(seq "$RUNS"); do
    start=$(date +%s.%N)
    java -jar "$JAR" materialize --data "$DATA" --redis "redis://127.0.0.1:$PORT" --prefix bench: | sed "s/^/run $run: /"
    echo "run $run: wall (JVM start included) $(echo "$(date +%s.%N) - $start" | bc) s"
done
echo "keys: $(redis-cli -p "$PORT" dbsize), used memory: $(redis-cli -p "$PORT" info memory | grep '^used_memory_human' | cut -d: -f2 | tr -d '\r')"
