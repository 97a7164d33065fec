#!/usr/bin/env bash
# Makes the one base of all the project's images (recommender runtime, training/packaging job, load test,
# operator) without a Docker daemon or registry: a docker-save tarball with one layer holding a jlink'ed JRE
# (the union of the modules the programs need, plus a CDS archive), the glibc/libstdc++ libraries the JRE and
# TensorFlow's native code link against (found with ldd on this Debian host), and /etc/passwd and /etc/group
# entries for the non-root user 65532. Jib reads it as tar://<out>. One base for all means one shared layer:
# a registry or node that has one project image has the base of every other. Idempotent: the result is cached
# under $RECOMMENDER_CACHE_DIR (default ~/.cache/recommender-operator), keyed by this script, the JDK, the
# module list and the TensorFlow jar.
#
# Usage: build-base-image.sh <out.tar> <tensorflow-core-native-<classifier>.jar>
# Needs: a JDK 17 (jlink, jar), ldd (libc-bin), GNU tar, sha256sum. Runs as any user.
set -euo pipefail

out="$1"
tf_jar="$2"
# Checked by running each program on this JRE. Runtime service: Micronaut and Netty want jdk.jfr and
# jdk.unsupported, Micrometer jdk.management, logback java.xml, the retrieval kernel jdk.incubator.vector.
# Operator: java.net.http (fabric8's JDK HTTP client), jdk.httpserver (/healthz, /metrics), jdk.crypto.ec (TLS
# to the API server).
modules="java.base,java.logging,java.management,java.naming,java.net.http,java.xml,java.sql,jdk.unsupported,jdk.management,jdk.jfr,jdk.crypto.ec,jdk.httpserver,jdk.incubator.vector,jdk.zipfs"
uid=65532
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
cache_root="${RECOMMENDER_CACHE_DIR:-$HOME/.cache/recommender-operator}/base-images"

[ -f "$tf_jar" ] || { echo "build-base-image: no TensorFlow native jar at $tf_jar" >&2; exit 1; }
# The jar's content, not its name: modules copy it under names of their own.
key="$( { cat "$0"; "$java_home/bin/java" -version 2>&1; echo "$modules"; sha256sum < "$tf_jar"; } \
  | sha256sum | cut -c1-16)"
cached="$cache_root/$key/base-image.tar"
mkdir -p "$(dirname "$out")"
if [ -f "$cached" ]; then
  cp "$cached" "$out"
  echo "build-base-image: cached base $key -> $out"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/opt/recommender/bundle" "$root/lib64"

echo "build-base-image: jlink $modules"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$root/opt/java"
# Class data sharing archive: faster JVM start in every container.
"$root/opt/java/bin/java" -Xshare:dump -XX:SharedArchiveFile="$root/opt/java/lib/server/classes.jsa" -version >/dev/null 2>&1 \
  || "$root/opt/java/bin/java" -Xshare:dump >/dev/null

# TensorFlow's native libraries are extracted by JavaCPP at run time; here only to learn what they link.
mkdir -p "$work/tf"
(cd "$work/tf" && "$java_home/bin/jar" xf "$tf_jar" org/tensorflow/internal/c_api)
mapfile -t elves < <(find "$root/opt/java" "$work/tf" -type f \( -name '*.so' -o -name '*.so.*' -o -path '*/bin/java' \))
declare -A libs=()
for elf in "${elves[@]}"; do
  while read -r lib; do
    [ -n "$lib" ] && libs["$lib"]=1
  done < <(LD_LIBRARY_PATH="$(dirname "$elf"):$root/opt/java/lib:$root/opt/java/lib/server" ldd "$elf" 2>/dev/null \
    | awk '/=> \// {print $3} /^\t\/lib64\// {print $1}' | grep -v -e "^$root" -e "^$work")
done
for lib in "${!libs[@]}"; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The program interpreter named in every binary.
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
echo "build-base-image: system libraries: $(printf '%s ' "${!libs[@]}" | tr ' ' '\n' | xargs -n1 basename | sort | tr '\n' ' ')"

cat > "$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
nonroot:x:$uid:$uid:nonroot:/tmp:/sbin/nologin
PASSWD
cat > "$root/etc/group" <<GROUP
root:x:0:
nonroot:x:$uid:
GROUP
printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"

# One reproducible layer, everything owned by root (the service runs as $uid and writes only to /tmp).
(cd "$root" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" -- *)
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
cat > "$work/config.json" <<CONFIG
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"$uid:$uid","WorkingDir":"/","Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/build-base-image.sh ($modules)"}]}
CONFIG
config_id="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mkdir -p "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
mv "$work/config.json" "$work/image/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["recommender-base:%s"],"Layers":["%s/layer.tar"]}]\n' \
  "$config_id" "$key" "$diff_id" > "$work/image/manifest.json"
mkdir -p "$(dirname "$cached")"
# Entries named without "./": Jib refuses to unpack a base tarball that has them.
(cd "$work/image" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$cached.partial" -- *)
mv "$cached.partial" "$cached"
cp "$cached" "$out"
echo "build-base-image: base $key ($(du -h "$out" | cut -f1)) -> $out"
