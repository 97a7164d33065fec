#!/usr/bin/env bash
# JMH benchmark of the top-K kernels (SIMD and scalar side by side, one run), with the GC profiler to show
# allocation per call. Usage: runtime-image/bench/kernel-bench.sh [extra JMH args], e.g. -p data=gaussian,bundle
# (bundle: a trained model's item vectors and users, by default the bundle the runtime tests train; see TopKBenchmark).
# Builds the module's test classes first; writes the JMH text and JSON results under runtime-image/target/bench/.
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
repo="$(cd "$module/.." && pwd)"
cd "$repo"
mvn -B -q -pl runtime-image -am test-compile -DskipTests
mvn -B -q -pl runtime-image dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$module/target/bench-classpath.txt"
mkdir -p "$module/target/bench"
java --add-modules=jdk.incubator.vector \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench-classpath.txt")" \
  org.openjdk.jmh.Main TopKBenchmark -prof gc -rf json -rff "$module/target/bench/kernel.json" "$@" \
  | tee "$module/target/bench/kernel.txt"
