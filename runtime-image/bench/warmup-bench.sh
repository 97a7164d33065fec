#!/usr/bin/env bash
# What the start-up warm-up buys: a recommender as the operator runs it (user embeddings from TensorFlow Serving,
# here the stand-in; result cache off, so every request computes) is started with each RECOMMENDER_WARMUP_RUNS
# value given, alternately ROUNDS times; right after it reports ready, wrk asks for recommendations for 5 s, then
# 5 s more. Printed per start: time to ready, and each 5 s window's median, p99 and rate. The recommender and the
# stand-in share CPU 0 (taskset), wrk runs on CPU 1 with 4 connections.
#
#   runtime-image/bench/warmup-bench.sh BUNDLE [RUNS...]        (default RUNS: 0 3000; ROUNDS=2)
#
# Needs runtime-image and tfserving-standin packaged (mvn -o -pl tfserving-standin,runtime-image -am package
# -DskipTests) and wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle="$(cd "${1:?usage: warmup-bench.sh BUNDLE [RUNS...]}" && pwd)"
shift
values=("${@:-0}")
(($# > 0)) || values=(0 3000)
rounds="${ROUNDS:-2}"
command -v wrk > /dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
out="$(mktemp -d)"
pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$out"' EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
name="$(jq -r .modelName "$bundle/manifest.json")"
users="$(jq -r .counts.users "$bundle/manifest.json")"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bundle: $bundle ($name version $(jq -r .modelVersion "$bundle/manifest.json"), $users users)"
cat > "$out/recommend.lua" << LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/v1/recommendations/" .. math.random(1, $users))
end
LUA

sport="$(free_port)"
TF_CPP_MIN_LOG_LEVEL=1 taskset -c 0 java -Xmx512m \
  -cp "tfserving-standin/target/tfserving-standin.jar:tfserving-standin/target/lib/*" io.recommender.tfserving.server.StandInMain \
  --rest_api_host=127.0.0.1 --rest_api_port="$sport" --model_name="$name" --model_base_path="$bundle/saved_model/$name" \
  > "$out/standin.log" 2>&1 &
pids+=($!)
until curl -sf -m 1 "http://127.0.0.1:$sport/v1/models/$name" > /dev/null; do sleep 0.2; done

window() { # URL -> "p50 p99 rate"
  taskset -c 1 wrk -t1 -c4 -d5s --latency "$1" -s "$out/recommend.lua" \
    | awk '/^ +50%/ {p50=$2} /^ +99%/ {p99=$2} /^Non-2xx/ {bad=$NF} /^Requests\/sec/ {r=$2}
           END {if (bad) print "NON-2xx:" bad; else printf "p50 %s p99 %s %s/s", p50, p99, r}'
}
for round in $(seq 1 "$rounds"); do
  for runs in "${values[@]}"; do
    port="$(free_port)"
    began=$(date +%s%N)
    env RECOMMENDER_BUNDLE_PATH="$bundle" PORT="$port" RECOMMENDER_WARMUP_RUNS="$runs" RECOMMENDER_RESULT_CACHE=false \
      RECOMMENDER_EMBEDDING_SOURCE=tfserving TF_SERVING_URL="http://127.0.0.1:$sport" TF_SERVING_MODEL_NAME="$name" \
      TF_CPP_MIN_LOG_LEVEL=1 taskset -c 0 java --add-modules=jdk.incubator.vector -Xms512m -Xmx1g -XX:+UseG1GC \
      -jar runtime-image/target/runtime-image.jar > "$out/service.log" 2>&1 &
    svc=$!
    pids+=("$svc")
    until curl -sf -m 1 "http://127.0.0.1:$port/health/readiness" > /dev/null; do
      kill -0 "$svc" 2> /dev/null || { echo "service died"; tail -20 "$out/service.log"; exit 1; }
      sleep 0.1
    done
    ready_ms=$(( ($(date +%s%N) - began) / 1000000 ))
    first="$(window "http://127.0.0.1:$port")"
    second="$(window "http://127.0.0.1:$port")"
    warm="$(sed -n 's/.*warm-up: \([0-9]*\) uncached recommendations computed in \([0-9]*\) ms.*/\1 runs in \2 ms/p' "$out/service.log")"
    echo "round $round, RECOMMENDER_WARMUP_RUNS=$runs: ready after $ready_ms ms (warm-up ${warm:-none}); first 5 s: $first; next 5 s: $second"
    kill "$svc"; wait "$svc" 2> /dev/null || true
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
