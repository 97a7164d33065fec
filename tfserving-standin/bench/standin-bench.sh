#!/usr/bin/env bash
# Is the TensorFlow Serving stand-in ever the bottleneck of a TwoPod recommender? One run, side by side:
#   1. the stand-in's maximum predict rate (POST :predict, one user row, as the recommender sends it), for the
#      current stand-in (Netty) and the first one (the JDK's HttpServer, compiled from git at OLD_REF);
#   2. the recommender's maximum rate with the result cache off (GET /v1/recommendations/{random known user}):
#      embedded (the user tower in-process) and TwoPod (tfserving mode, the user tower on each stand-in);
#   3. ratios: each stand-in's rate / the embedded recommender's uncached rate (the issue's target: >= 5), and
#      / the uncached rate of a recommender in tfserving mode (what a TwoPod recommender is: the only kind that
#      calls the stand-in), that recommender on CPU 0 and its own stand-in on CPU 1 so that only the
#      recommender's cost counts; measured alternately, ROUNDS times (default 3), medians.
# Every server runs alone on CPU 0 (taskset), the client (wrk -t1 -c16) on CPU 1. In the TwoPod runs the
# recommender and its stand-in share CPU 0, the figure the issue's 370/s came from.
# Usage: tfserving-standin/bench/standin-bench.sh <bundle-dir>     (a trained bundle; runtime-image and the stand-in
# packaged: mvn -o -pl tfserving-standin,runtime-image -am package -DskipTests). Tunables: SECONDS_EACH=15, ROUNDS=3,
# OLD_REF=e40ec8a~1. Results: printed, and kept in tfserving-standin/target/bench/standin.txt.
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$module/.." && pwd)"
bundle="$(cd "${1:?usage: standin-bench.sh <bundle-dir>}" && pwd)"
seconds="${SECONDS_EACH:-15}"
old_ref="${OLD_REF:-e40ec8a~1}"
out="$module/target/bench"
mkdir -p "$out"
exec > >(tee "$out/standin.txt") 2>&1
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)"; exit 2; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

name="$(jq -r .modelName "$bundle/manifest.json")"
version="$(jq -r .modelVersion "$bundle/manifest.json")"
width="$(jq -r .embedding.userInputWidth "$bundle/manifest.json")"
users="$(jq -r .counts.users "$bundle/manifest.json")"
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "bundle: $bundle ($name version $version, user row width $width, $users users)"

# The first stand-in, compiled from git beside the current one's dependencies.
old_src="$out/old-src" old_classes="$out/old-classes"
rm -rf "$old_src" "$old_classes"
mkdir -p "$old_src" "$old_classes"
git -C "$repo" archive "$old_ref" tfserving-standin/src/main/java | tar -x -C "$old_src"
javac -nowarn -d "$old_classes" -cp "$module/target/lib/*" $(find "$old_src" -name '*.java') 2>&1 | grep -v '^Note:' || true

pids=()
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
await() { # URL PID LOG
  until curl -sf -m 1 "$1" >/dev/null; do
    kill -0 "$2" 2>/dev/null || { echo "server died:"; tail -20 "$3"; exit 1; }
    sleep 0.1
  done
}
start_standin() { # CLASSPATH PORT LOG [FLAG...]   (on CPU 0, or STANDIN_CPU)
  TF_CPP_MIN_LOG_LEVEL=1 taskset -c "${STANDIN_CPU:-0}" java -Xmx512m -cp "$1" io.recommender.tfserving.server.StandInMain \
    --rest_api_host=127.0.0.1 --rest_api_port="$2" --model_name="$name" \
    --model_base_path="$bundle/saved_model/$name" "${@:4}" > "$3" 2>&1 &
  started=$!
  pids+=("$started")
  await "http://127.0.0.1:$2/v1/models/$name" "$started" "$3"
}
start_recommender() { # PORT LOG VAR=VALUE...
  env RECOMMENDER_BUNDLE_PATH="$bundle" PORT="$1" RECOMMENDER_RESULT_CACHE=false TF_CPP_MIN_LOG_LEVEL=1 "${@:3}" \
    taskset -c 0 java --add-modules=jdk.incubator.vector -Xms512m -Xmx1g -XX:+UseG1GC \
    -jar "$repo/runtime-image/target/runtime-image.jar" > "$2" 2>&1 &
  started=$!
  pids+=("$started")
  await "http://127.0.0.1:$1/health/readiness" "$started" "$2"
}
stop() { kill "$1"; wait "$1" 2>/dev/null || true; }
rps() { sed -n 's/^Requests\/sec: *//p'; }
# wrk: 5 s of warm-up (JIT), then the measured run.
measure() { # URL [wrk args...]
  taskset -c 1 wrk -t1 -c16 -d5s "${@:2}" "$1" > /dev/null
  taskset -c 1 wrk -t1 -c16 -d"${seconds}s" "${@:2}" "$1" | rps
}

row="$(python3 -c "import random; random.seed(7); print(', '.join('%.4f' % random.random() for _ in range($width)))")"
cat > "$out/predict.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"instances": [[$row]]}'
LUA
cat > "$out/recommend.lua" <<LUA
math.randomseed(7)
request = function()
  return wrk.format("GET", "/v1/recommendations/" .. math.random(1, $users))
end
LUA
predict_path="/v1/models/$name/versions/$version:predict"

declare -A rate
# The ratio that matters, stand-in (Netty) / embedded recommender, measured alternately ROUNDS times with both
# servers up (the idle one takes no CPU), so that the machine's noise falls on both alike; medians reported.
port="$(free_port)"
start_standin "$module/target/tfserving-standin.jar:$module/target/lib/*" "$port" "$out/standin-netty.log"
standin=$started
bport="$(free_port)"
start_standin "$module/target/tfserving-standin.jar:$module/target/lib/*" "$bport" "$out/standin-batching.log" \
  --enable_batching=true
batching=$started
eport="$(free_port)"
start_recommender "$eport" "$out/embedded.log"
embedded=$started
# The tfserving-mode recommender's own stand-in, on CPU 1 beside wrk: it must not be what limits that recommender.
sport="$(free_port)"
STANDIN_CPU=1 start_standin "$module/target/tfserving-standin.jar:$module/target/lib/*" "$sport" \
  "$out/standin-cpu1.log"
side=$started
tport="$(free_port)"
start_recommender "$tport" "$out/tfserving-mode.log" RECOMMENDER_EMBEDDING_SOURCE=tfserving \
  TF_SERVING_URL="http://127.0.0.1:$sport" TF_SERVING_MODEL_NAME="$name"
tfmode=$started
standin_rates=() batching_rates=() embedded_rates=() tfmode_rates=()
for round in $(seq "${ROUNDS:-3}"); do
  standin_rates+=("$(measure "http://127.0.0.1:$port$predict_path" -s "$out/predict.lua")")
  batching_rates+=("$(measure "http://127.0.0.1:$bport$predict_path" -s "$out/predict.lua")")
  embedded_rates+=("$(measure "http://127.0.0.1:$eport" -s "$out/recommend.lua")")
  tfmode_rates+=("$(measure "http://127.0.0.1:$tport" -s "$out/recommend.lua")")
  echo "round $round: stand-in (netty) ${standin_rates[-1]}/s, with batching ${batching_rates[-1]}/s," \
    "embedded recommender uncached ${embedded_rates[-1]}/s, tfserving-mode recommender uncached" \
    "${tfmode_rates[-1]}/s (its stand-in on CPU 1)"
done
stop "$tfmode"
stop "$side"
stop "$embedded"
stop "$batching"
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
rate[standin-netty]="$(median "${standin_rates[@]}")"
rate[standin-batching]="$(median "${batching_rates[@]}")"
rate[embedded]="$(median "${embedded_rates[@]}")"
rate[tfmode]="$(median "${tfmode_rates[@]}")"
rport="$(free_port)"
start_recommender "$rport" "$out/twopod-netty.log" RECOMMENDER_EMBEDDING_SOURCE=tfserving \
  TF_SERVING_URL="http://127.0.0.1:$port" TF_SERVING_MODEL_NAME="$name"
rate[twopod-netty]="$(measure "http://127.0.0.1:$rport" -s "$out/recommend.lua")"
echo "TwoPod recommender + stand-in (netty) on CPU 0, uncached GET /v1/recommendations: ${rate[twopod-netty]}/s"
stop "$started"
stop "$standin"

port="$(free_port)"
start_standin "$old_classes:$module/target/lib/*" "$port" "$out/standin-jdk.log"
standin=$started
rate[standin-jdk]="$(measure "http://127.0.0.1:$port$predict_path" -s "$out/predict.lua")"
echo "stand-in (jdk) alone on CPU 0, POST :predict: ${rate[standin-jdk]}/s"
rport="$(free_port)"
start_recommender "$rport" "$out/twopod-jdk.log" RECOMMENDER_EMBEDDING_SOURCE=tfserving \
  TF_SERVING_URL="http://127.0.0.1:$port" TF_SERVING_MODEL_NAME="$name"
rate[twopod-jdk]="$(measure "http://127.0.0.1:$rport" -s "$out/recommend.lua")"
echo "TwoPod recommender + stand-in (jdk) on CPU 0, uncached GET /v1/recommendations: ${rate[twopod-jdk]}/s"
stop "$started"
stop "$standin"
ratio() { python3 -c "print('%.1f' % ($1 / $2))"; }
echo
both() { echo "$(ratio "$1" "${rate[embedded]}")x | $(ratio "$1" "${rate[tfmode]}")x"; }
echo "| on CPU 0 | answers/s | / embedded recommender (uncached) | / tfserving-mode recommender (uncached) |"
echo "|---|---|---|---|"
echo "| stand-in, Netty (now), median of ${ROUNDS:-3} | ${rate[standin-netty]} | $(both "${rate[standin-netty]}") |"
echo "| stand-in, Netty, --enable_batching=true, median of ${ROUNDS:-3} | ${rate[standin-batching]} | $(both "${rate[standin-batching]}") |"
echo "| stand-in, JDK HttpServer (before, $old_ref) | ${rate[standin-jdk]} | $(both "${rate[standin-jdk]}") |"
echo "| recommender, embedded, result cache off, median of ${ROUNDS:-3} | ${rate[embedded]} | $(both "${rate[embedded]}") |"
echo "| recommender, tfserving mode (its stand-in on CPU 1), result cache off, median of ${ROUNDS:-3} | ${rate[tfmode]} | $(both "${rate[tfmode]}") |"
echo "| TwoPod: recommender + Netty stand-in, result cache off | ${rate[twopod-netty]} | $(both "${rate[twopod-netty]}") |"
echo "| TwoPod: recommender + JDK stand-in, result cache off | ${rate[twopod-jdk]} | $(both "${rate[twopod-jdk]}") |"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
