#!/usr/bin/env bash
# What the operator's live analysis (slo.analysis) costs a recommender pod: the CPU time the service spends
# answering one GET /metrics scrape, measured from the process's own CPU counters (/proc/PID/stat), and what that
# is at one scrape per interval. Issue #16's target: <= 1 % of a core at a 10 s interval.
#
#   runtime-image/bench/scrape-bench.sh BUNDLE [SCRAPES] [REQUESTS]
#
# The service (runtime-image/target/runtime-image.jar) first answers REQUESTS recommendations (default 3000, users
# drawn from the bundle) so that its request histograms hold what a serving pod's hold; then its CPU time is read
# over an idle stretch (the baseline) and over SCRAPES back-to-back scrapes (default 300).
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle="${1:?usage: scrape-bench.sh BUNDLE [SCRAPES] [REQUESTS]}"
scrapes="${2:-300}"
requests="${3:-3000}"
port="${BENCH_PORT:-18290}"
out="$(mktemp -d)"
trap 'kill "$svc" 2>/dev/null || true; rm -rf "$out"' EXIT

env RECOMMENDER_BUNDLE_PATH="$bundle" PORT="$port" TF_CPP_MIN_LOG_LEVEL=1 \
  java -Xms256m -Xmx512m -jar runtime-image/target/runtime-image.jar > "$out/service.log" 2>&1 &
svc=$!
until curl -sf -m 1 "http://127.0.0.1:$port/health/readiness" >/dev/null; do
  kill -0 "$svc" 2>/dev/null || { echo "service died"; tail -20 "$out/service.log"; exit 1; }
  sleep 0.1
done

ticks_per_s="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$svc/stat"; }

users=($(jq -r '.counts.users // 610' "$bundle/manifest.json"))
for ((i = 0; i < requests; i++)); do
  printf 'url = "http://127.0.0.1:%s/v1/recommendations/%s"\noutput = /dev/null\n' "$port" "$((RANDOM % users + 1))"
done > "$out/requests.cfg"
curl -s -K "$out/requests.cfg"
size="$(curl -s "http://127.0.0.1:$port/metrics" | wc -c)"
series="$(curl -s "http://127.0.0.1:$port/metrics" | grep -vc '^#')"

sleep 5
idle_seconds=20
before="$(cpu_ticks)"
sleep "$idle_seconds"
idle="$(( $(cpu_ticks) - before ))"

for ((i = 0; i < scrapes; i++)); do
  printf 'url = "http://127.0.0.1:%s/metrics"\noutput = /dev/null\n' "$port"
done > "$out/scrapes.cfg"
before="$(cpu_ticks)"
start="$(date +%s.%N)"
curl -s -K "$out/scrapes.cfg"
wall="$(echo "$(date +%s.%N) - $start" | bc -l)"
busy="$(( $(cpu_ticks) - before ))"

awk -v idle="$idle" -v idle_s="$idle_seconds" -v busy="$busy" -v wall="$wall" -v n="$scrapes" -v hz="$ticks_per_s" \
    -v size="$size" -v series="$series" -v requests="$requests" 'BEGIN {
  idle_rate = idle / hz / idle_s                 # CPU seconds per second with nothing to do
  per_scrape = (busy / hz - idle_rate * wall) / n # CPU seconds one scrape adds
  printf "metrics: %d bytes, %d series, after %d recommendations\n", size, series, requests
  printf "idle service: %.2f %% of a core\n", 100 * idle_rate
  printf "%d scrapes in %.2f s: %.2f ms of CPU each\n", n, wall, 1000 * per_scrape
  printf "at one scrape per 10 s: %.3f %% of a core (target <= 1 %%); per 30 s: %.3f %%\n", 100 * per_scrape / 10, 100 * per_scrape / 30
}'
