#!/usr/bin/env bash
# Benchmarks the load generator against wrk on a trivial local target.
#
# The target is nginx with one worker answering /predict with a fixed body, pinned to CPU 0; every client (our
# generator, wrk) is pinned to CPU 1, so "from one core" is literal. Two measurements, each repeated RUNS times with
# the two tools interleaved:
#   1. throughput: as many requests as each tool can make with CONNS connections (our --rps 0);
#   2. latency at the same load: wrk paced to about RATE requests/s by a per-connection pause after each answer (wrk
#      has no rate option), then our generator with the same pause and connections; p99 side by side.
#      Like for like: our generator pauses as long after each answer (--wait), over the same connections, as wrk's
#      connections do; once with each engine (event-loop, the default, and locust4j's thread per user).
# Our generator runs WARMUP seconds unmeasured before each measured DURATION (JVM JIT compilation); wrk, native,
# needs none, and finds nginx already warm.
# Prints a Markdown report on stdout; progress goes to stderr.
#
# Usage: load-test/bench/bench.sh            (from the repository root; needs root for apt-get if wrk/nginx are missing)
# Tunables (environment): DURATION=20 WARMUP=5 CONNS=50 RATE=5000 RUNS=3 PORT=<a free loopback port>
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DURATION="${DURATION:-20}"
WARMUP="${WARMUP:-5}"
CONNS="${CONNS:-50}"
RATE="${RATE:-5000}"
RUNS="${RUNS:-3}"
PORT="${PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
jar="$root/load-test/target/load-test.jar"

if [ "$(nproc)" -lt 2 ]; then
    echo "bench.sh needs two CPUs: one for the target, one for the client" >&2
    exit 2
fi
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    echo "installing wrk and nginx-light" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >&2
fi
if [ ! -f "$jar" ]; then
    echo "building $jar" >&2
    (cd "$root" && mvn -B -q -pl load-test -am package -DskipTests >&2)
fi

work="$(mktemp -d)"
nginx_pid=""
cleanup() {
    if [ -n "$nginx_pid" ]; then
        kill "$nginx_pid" 2>/dev/null || true
        wait "$nginx_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/logs"
sed "s/__PORT__/$PORT/" "$here/nginx.conf" > "$work/nginx.conf"
taskset -c 0 nginx -p "$work" -c "$work/nginx.conf" &
nginx_pid=$!
target="http://127.0.0.1:$PORT"
for _ in $(seq 50); do
    curl -fs -X POST "$target/predict" -d '{"uid": 1}' >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fs -X POST "$target/predict" -d '{"uid": 1}' >/dev/null

ours() { # engine, pause after each answer in ms -> writes the report JSON on stdout
    taskset -c 1 java -jar "$jar" --target "$target" --known-users 1-610 --endpoint predict --rps 0 --users "$CONNS" \
        --engine "$1" --wait "${2}ms" --duration "${DURATION}s" --warmup "${WARMUP}s" --max-error-rate 0 2>/dev/null
}
wrk_run() { # per-connection pause in ms -> wrk's output
    WRK_DELAY_MS="$1" taskset -c 1 wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency -s "$here/paced.lua" \
        "$target/predict"
}

results="$work/results.jsonl"
pause_ms=$(( CONNS * 1000 / RATE ))
for run in $(seq "$RUNS"); do
    echo "run $run/$RUNS: throughput" >&2
    ours event-loop 0 | python3 "$here/summarize.py" ours-max >> "$results"
    wrk_run 0 | python3 "$here/summarize.py" wrk-max >> "$results"
    echo "run $run/$RUNS: latency at about $RATE rps ($CONNS connections, $pause_ms ms after each answer)" >&2
    wrk_run "$pause_ms" | python3 "$here/summarize.py" wrk-paced >> "$results"
    ours event-loop "$pause_ms" | python3 "$here/summarize.py" ours-paced >> "$results"
    ours locust4j "$pause_ms" | python3 "$here/summarize.py" ours-locust4j-paced >> "$results"
done

python3 "$here/summarize.py" --report "$results" "$DURATION" "$WARMUP" "$CONNS" "$RATE" "$RUNS"
