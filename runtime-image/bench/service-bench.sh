#!/usr/bin/env bash
# Whole-service benchmark, embedded embeddings, one run on this machine:
#   1. startup to ready of the service on a bundle (process start -> /health/readiness 200);
#   2. maximum throughput of POST /predict and of Micronaut's hello-world endpoint (same process, same run,
#      alternating, wrk from a second process on loopback), and their ratio; /predict also on a second
#      service started with the result cache off (RECOMMENDER_RESULT_CACHE=false), the cold path, against the
#      same hello-world figure;
#   3. latency percentiles of POST /predict at 1,000 requests/s, on both services, measured by the project's load
#      generator (load-test, event-loop engine: 50 users sharing one evenly spaced rate); hello-world at about the
#      same rate by wrk paced with a pause per connection, as the floor this machine puts under any request;
#   4. heap in use at steady state of the cached service (after the load, and live after a full GC).
# BENCH_PIN=1 pins the services to CPU 0 and every client (wrk, load-test) to CPU 1 (taskset), so that
# client and service do not take turns on the same core.
# Usage: runtime-image/bench/service-bench.sh [bundle-dir]   (default: the ml-latest-small bundle trained by
# the training job into runtime-image/target/real-bundle). Installs wrk (apt) if missing. Results are printed
# and kept in runtime-image/target/bench/service.txt.
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$module/.." && pwd)"
port="${BENCH_PORT:-18090}"
cold_port=$((port + 1))
duration="${BENCH_SECONDS:-20}"
server_cpu=() client_cpu=()
if [[ "${BENCH_PIN:-}" == 1 ]]; then
  server_cpu=(taskset -c 0)
  client_cpu=(taskset -c 1)
fi
out="$module/target/bench"
mkdir -p "$out"
exec > >(tee "$out/service.txt") 2>&1

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cd "$repo"
mvn -B -q -pl runtime-image,load-test -am package -DskipTests

bundle="${1:-$module/target/real-bundle/ml-latest-small}"
if [ ! -f "$bundle/manifest.json" ]; then
  java -jar training-job/target/training-job.jar train --data ../shared/data/ml-latest-small --out "$bundle" \
    > "$out/train.log" 2>&1
fi
users="$(jq -r '.counts.users // empty' "$bundle/manifest.json")"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); pinned: ${BENCH_PIN:-no}; machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bundle: $bundle ($(jq -r '.modelName + " version " + (.modelVersion|tostring)' "$bundle/manifest.json"))"

# start_service PORT LOG [VAR=VALUE...]: the service jar with the bench JVM flags, in the background; sets
# started to its pid (not echoed: a command substitution would make it a grandchild the trap cannot wait for).
start_service() {
  env RECOMMENDER_BUNDLE_PATH="$bundle" PORT="$1" TF_CPP_MIN_LOG_LEVEL=1 "${@:3}" \
    "${server_cpu[@]}" java --add-modules=jdk.incubator.vector -Xms512m -Xmx1g -XX:+UseG1GC -Dmicronaut.environments=bench \
    -jar "$module/target/runtime-image.jar" > "$2" 2>&1 &
  started=$!
}
await_ready() {
  until curl -sf -m 1 "http://127.0.0.1:$1/health/readiness" >/dev/null; do
    kill -0 "$2" 2>/dev/null || { echo "service died"; tail -20 "$3"; exit 1; }
    sleep 0.05
  done
}
start=$(date +%s%N)
cold=""
start_service "$port" "$out/service.log"
service=$started
trap 'kill $service $cold 2>/dev/null; wait $service $cold 2>/dev/null || true' EXIT
await_ready "$port" "$service" "$out/service.log"
echo "startup to ready: $(( ($(date +%s%N) - start) / 1000000 )) ms ($(grep -o 'loaded in [0-9]* ms' "$out/service.log"))"
# The cold-path service starts only now, so the startup figure above is one service's alone.
start_service "$cold_port" "$out/service-cold.log" RECOMMENDER_RESULT_CACHE=false
cold=$started
await_ready "$cold_port" "$cold" "$out/service-cold.log"
echo "services: cached on port $port ($(grep -o 'result cache [^)]*' "$out/service.log")), uncached on port $cold_port ($(grep -o 'result cache [^)]*' "$out/service-cold.log"))"

cat > "$out/predict.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
math.randomseed(7)
request = function()
  return wrk.format(nil, "/predict", nil, '{"uid": ' .. math.random(1, 610) .. '}')
end
LUA
rps() { sed -n 's/^Requests\/sec: *//p'; }
echo "warm-up: 20 s of each endpoint (the first /predict requests fill the cache)"
for _ in 1 2; do
  "${client_cpu[@]}" wrk -t1 -c16 -d10s "http://127.0.0.1:$port/hello" > /dev/null
  "${client_cpu[@]}" wrk -t1 -c16 -d10s -s "$out/predict.lua" "http://127.0.0.1:$port" > /dev/null
  "${client_cpu[@]}" wrk -t1 -c16 -d10s -s "$out/predict.lua" "http://127.0.0.1:$cold_port" > /dev/null
done

cache_gets() { curl -s "http://127.0.0.1:$port/metrics" | awk -v r="$1" '$0 ~ "^recommender_result_cache_gets_total.*result=\"" r "\"" {printf "%d", $NF}'; }
echo "result cache after warm-up: $(cache_gets hit) hits, $(cache_gets miss) misses"
echo "maximum throughput ("${client_cpu[@]}" wrk -t1 -c16 -d${duration}s, alternating; cold = /predict on the uncached service):"
ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
for round in 1 2; do
  hello=$("${client_cpu[@]}" wrk -t1 -c16 -d"${duration}s" "http://127.0.0.1:$port/hello" | rps)
  predict=$("${client_cpu[@]}" wrk -t1 -c16 -d"${duration}s" -s "$out/predict.lua" "http://127.0.0.1:$port" | rps)
  cold_predict=$("${client_cpu[@]}" wrk -t1 -c16 -d"${duration}s" -s "$out/predict.lua" "http://127.0.0.1:$cold_port" | rps)
  echo "  round $round: hello-world $hello req/s, /predict $predict req/s (ratio $(ratio "$predict" "$hello")), cold /predict $cold_predict req/s (ratio $(ratio "$cold_predict" "$hello"))"
done

echo "latency at 1,000 requests/s, 30 s measured after 5 s of warm-up (in-server figures include the warm-up):"
# The service's own histogram of the same requests (time inside the server only), from scrapes before and
# after: the smallest bucket bound holding the given share of them.
buckets() { curl -s "http://127.0.0.1:$2/metrics" | grep "^http_server_requests_seconds_bucket{.*status=\"200\",uri=\"$1\""; }
server_quantile() {
  awk -v q="$3" 'NR == FNR {match($0, /le="[^"]*"/); before[substr($0, RSTART + 4, RLENGTH - 5)] = $NF; next}
    {match($0, /le="[^"]*"/); le = substr($0, RSTART + 4, RLENGTH - 5); n[++i] = le; c[le] = $NF - before[le]}
    END {total = c["+Inf"]; for (j = 1; j <= i; j++) if (c[n[j]] >= q * total) {printf "<= %.2f ms", n[j] * 1000; exit}}' "$1" "$2"
}
for run in predict:$port cold-predict:$cold_port; do
  name=${run%:*}
  target=${run#*:}
  buckets /predict "$target" > "$out/before.txt"
  # Exit status 1 is a missed --p99-ms 2, reported below like a met one.
  "${client_cpu[@]}" java -jar load-test/target/load-test.jar --target "http://127.0.0.1:$target" --endpoint predict \
    --rps 1000 --users 50 --duration 30s --warmup 5s --known-users "1-${users:-610}" --unknown-fraction 0 \
    --p99-ms 2 --max-error-rate 0 2>/dev/null > "$out/$name-report.json" || true
  buckets /predict "$target" > "$out/after.txt"
  jq -r --arg name "$name" '"  \($name): \(.requests) requests, \(.rps | floor)/s, \(.failures) failed; p50 \(.preciseLatencyMs.p50) ms, p90 \(.preciseLatencyMs.p90) ms, p99 \(.preciseLatencyMs.p99) ms, max \(.preciseLatencyMs.max) ms; \(.verdict.reason)"' "$out/$name-report.json"
  echo "  $name inside the server: p50 $(server_quantile "$out/before.txt" "$out/after.txt" 0.5), p99 $(server_quantile "$out/before.txt" "$out/after.txt" 0.99) (histogram bucket bounds); load average $(cut -d' ' -f1 /proc/loadavg)"
done
cat > "$out/paced.lua" <<'LUA'
function delay()
  return 9
end
LUA
# wrk has no rate option: 10 connections, each pausing 9 ms after an answer, offer about 1,000 requests/s.
"${client_cpu[@]}" wrk -t1 -c10 -d30s --latency -s "$out/paced.lua" "http://127.0.0.1:$port/hello" > "$out/hello-paced.txt"
echo "  hello-world (wrk paced): $(sed -n 's/^Requests\/sec: *//p' "$out/hello-paced.txt")/s; p50 $(awk '$1 == "50%" {print $2}' "$out/hello-paced.txt"), p99 $(awk '$1 == "99%" {print $2}' "$out/hello-paced.txt")"

heap() { curl -s "http://127.0.0.1:$port/metrics" | awk '/^jvm_memory_used_bytes\{area="heap"/ {s += $NF} END {printf "%.1f MiB", s / 1048576}'; }
echo "heap in use at steady state: $(heap) after the load; $(jcmd $service GC.run >/dev/null; sleep 1; heap) live after a full GC"
echo "result cache at the end: $(cache_gets hit) hits, $(cache_gets miss) misses"
echo "errors in the service logs: $(cat "$out/service.log" "$out/service-cold.log" | grep -c ' ERROR ' || true)"
