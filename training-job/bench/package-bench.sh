#!/usr/bin/env bash
# Packaging benchmark: `training-job package` (the real jar, a fresh JVM and an empty layer cache per run, as in
# a Job pod) against Debian's docker-registry on loopback. Prints wall time, bytes pushed to the target, bytes
# pulled from the base registry and blobs uploaded for: the first push of a model version, a retry of the same
# bundle, and the next model version on the same bases. Writes nothing but $WORK.
#
# Runtime base: $RUNTIME_BASE_TAR, else runtime-image's real image (runtime-image/target/runtime-image.tar, made
# by `mvn -pl runtime-image -am package -Pimage -DskipTests`) when present, else its base alone (JRE + glibc, by
# runtime-image/scripts/build-base-image.sh). TF Serving base: a stand-in with $TF_MIB MiB of random bytes.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK="${WORK:-/tmp/package-bench}"
TF_MIB="${TF_MIB:-100}"
rm -rf "$WORK"
mkdir -p "$WORK"

mvn -B -q -ntp -o -pl training-job package -DskipTests
mvn -B -q -ntp -o -pl training-job test-compile
JAR=training-job/target/training-job.jar

runtime_tar="${RUNTIME_BASE_TAR:-}"
if [ -z "$runtime_tar" ] && [ -f runtime-image/target/runtime-image.tar ]; then
  cp runtime-image/target/runtime-image.tar "$WORK/runtime-image.tar"   # a copy: that module may rebuild it meanwhile
  runtime_tar="$WORK/runtime-image.tar"
fi
if [ -z "$runtime_tar" ]; then
  tf_jar="$(ls training-job/target/lib/tensorflow-core-native-*-linux-x86_64*.jar | head -1)"
  runtime-image/scripts/build-base-image.sh "$WORK/runtime-base.tar" "$tf_jar"
  runtime_tar="$WORK/runtime-base.tar"
fi

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p')"
echo "== two model versions trained on data/ml-latest-small (1 epoch each; bundle size does not depend on epochs)"
for v in 1 2; do
  java -jar "$JAR" train --data data/ml-latest-small --out "$WORK/bundle-v$v" --epochs 1 --seed "$v" \
      --model-version "$v" >"$WORK/train-v$v.log" 2>&1
done
du -sh "$WORK/bundle-v1" "$WORK/bundle-v2"
echo "== package: runtime base $runtime_tar, TF Serving stand-in ${TF_MIB} MiB"
java -cp training-job/target/test-classes:"$JAR" io.recommender.training.bench.PackageBench \
    "$JAR" "$WORK/bundle-v1" "$WORK/bundle-v2" "$runtime_tar" "$TF_MIB" "$WORK/package"
