#!/usr/bin/env bash
# The GPU check: trains with TensorFlow's GPU build and with its CPU build, side by side, on ml-latest-small and on
# generated ml-25m-shaped data, and prints device, epoch times, peak memory and metrics. On a machine without an
# NVIDIA GPU it still runs: the GPU build then says why it sees no GPU and trains on the CPU (--device auto), and
# a --device gpu run shows the error a Job would end with.
#
#   training-job/bench/gpu-check.sh [--epochs N] [--generate "ARGS"] [--skip-large]
#
#   --epochs N         epochs of each run (default 3; the generated data's runs take one epoch whatever N is)
#   --generate "ARGS"  `training-job generate` options for the large data (default none: ml-25m's 25,000,095
#                      ratings of 162,541 users on 62,423 movies), e.g. "--ratings 5000000 --users 32500 --movies 25000"
#   --skip-large       ml-latest-small only
#
# The GPU build is the one the GPU training image carries: tensorflow-core-native linux-x86_64-gpu, and CUDA 12.5
# / cuDNN 9.3 from scripts/cuda-libraries.sh on LD_LIBRARY_PATH (the image sets the same path). Needs what the
# project's build needs (scripts/setup.sh), about 6 GB of disk for the GPU libraries, and ~12 GB of memory for the
# large runs. Output: a table on stdout; each run's whole log under $RECOMMENDER_BENCH_DIR (default
# /tmp/gpu-check).
set -euo pipefail
cd "$(dirname "$0")/../.."

epochs=3 generate="" large=true
while (($#)); do
  case "$1" in
    --epochs) epochs="$2"; shift ;;
    --generate) generate="$2"; shift ;;
    --skip-large) large=false ;;
    *) sed -n '7,13p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
  shift
done

out="${RECOMMENDER_BENCH_DIR:-/tmp/gpu-check}"
mkdir -p "$out"
tf_version="$(sed -n 's:.*<tensorflow.version>\(.*\)</tensorflow.version>.*:\1:p' pom.xml | head -n 1)"
gpu_jar="$HOME/.m2/repository/org/tensorflow/tensorflow-core-native/$tf_version/tensorflow-core-native-$tf_version-linux-x86_64-gpu.jar"

echo "== machine"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
if command -v nvidia-smi > /dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/gpu: /'
else
  echo "gpu: none (no nvidia-smi)"
fi

echo "== building (CPU build), fetching the GPU build and the CUDA libraries"
mvn -B -ntp -q -o -DskipTests -pl training-job -am install > "$out/build.log" 2>&1 \
  || mvn -B -ntp -q -DskipTests -pl training-job -am install >> "$out/build.log" 2>&1
[[ -f "$gpu_jar" ]] || mvn -B -ntp -q dependency:get \
  -Dartifact="org.tensorflow:tensorflow-core-native:$tf_version:jar:linux-x86_64-gpu" >> "$out/build.log" 2>&1
bash scripts/cuda-libraries.sh "$out/cuda" linux-x86_64-gpu
jar=training-job/target/training-job.jar
cpu_cp="$jar:$(ls training-job/target/lib/*.jar | tr '\n' ':')"
gpu_cp="$jar:$(ls training-job/target/lib/*.jar | grep -v "tensorflow-core-native-.*-linux-x86_64.jar" | tr '\n' ':')$gpu_jar"

# run NAME BUILD DEVICE DATA EPOCHS: trains, keeps the log, prints one row.
run() {
  local name="$1" build="$2" device="$3" data="$4" n="$5" cp log
  cp="$cpu_cp"; [[ "$build" == gpu ]] && cp="$gpu_cp"
  log="$out/$name.log"
  rm -rf "$out/$name.bundle"
  local code=0
  # TensorFlow's own lines (level 1: warnings and errors) say which GPU libraries it loaded or why not.
  env TF_CPP_MIN_LOG_LEVEL=1 LD_LIBRARY_PATH="$out/cuda:${LD_LIBRARY_PATH:-}" /usr/bin/time -v \
    java -Dorg.bytedeco.javacpp.cachedir="$out/javacpp" -cp "$cp" io.recommender.training.cli.TrainingJobCommand \
    train --data "$data" --out "$out/$name.bundle" --epochs "$n" --device "$device" > "$log" 2>&1 || code=$?
  local dev epoch rss recall eval
  dev="$(sed -n 's/^device: //p' "$log" | head -n 1 | cut -c1-60)"
  epoch="$(sed -n 's/^epoch .*;  \([0-9.]*\) s (heads .*/\1/p' "$log" | tr '\n' ' ')"
  rss="$(awk '/Maximum resident set size/ {printf "%.1f", $NF / 1048576}' "$log")"
  recall="$(awk '/^recall@10/ {print $2 " (popular " $NF ")"}' "$log")"
  eval="$(sed -n 's/^test ranking: .* in \(.*\) s$/\1/p' "$log")"
  if ((code != 0)); then
    printf '%-28s %-4s %-6s exit %d: %s\n' "$name" "$build" "$device" "$code" "$(grep -m1 '^error:' "$log" || tail -n 1 "$log")"
  else
    printf '%-28s %-4s %-6s | %-60s | epochs (s): %s| test ranking %s s | recall@10 %s | peak RSS %s GiB\n' \
      "$name" "$build" "$device" "$dev" "$epoch" "${eval:--}" "${recall:--}" "${rss:--}"
  fi
}

echo "== ml-latest-small, $epochs epochs"
run small-cpu cpu cpu data/ml-latest-small "$epochs"
run small-gpu-build gpu auto data/ml-latest-small "$epochs"
command -v nvidia-smi > /dev/null || run small-gpu-required gpu gpu data/ml-latest-small 1

if $large; then
  echo "== generated (${generate:-ml-25m size}), 1 epoch"
  large_data="$out/generated-$(echo "$generate" | tr -c 'a-z0-9' '_')"
  # shellcheck disable=SC2086
  [[ -f "$large_data/ratings.csv" ]] || java -jar "$jar" generate --out "$large_data" $generate > "$out/generate.log"
  run large-gpu-build gpu auto "$large_data" 1
  run large-cpu cpu cpu "$large_data" 1
fi
echo "logs: $out"
