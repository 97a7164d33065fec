#!/usr/bin/env bash
# Makes the operator image's base without a Docker daemon or registry: a docker-save tarball with one layer
# holding a jlink'ed JRE (the modules the operator needs, plus a CDS archive), the system libraries it links
# (found with ldd on this host) and /etc/passwd and /etc/group entries for the non-root user 65532. Jib reads
# it as tar://<out>. The same approach and cache as runtime-image/scripts/build-base-image.sh, whose module
# list and TensorFlow libraries are the runtime's own; this base has no TensorFlow. Cached under
# $RECOMMENDER_CACHE_DIR (default ~/.cache/recommender-operator)/base-images, keyed by this script and the JDK.
#
# Usage: build-base-image.sh <out.tar>
# Needs: a JDK 17 (jlink), ldd (libc-bin), GNU tar, sha256sum. Runs as any user.
set -euo pipefail

out="$1"
# From jdeps over the operator's runtime classpath, less what only annotation processors (java.compiler) and
# unused bean introspection (java.desktop) want; java.net.http for fabric8's JDK HTTP client, jdk.httpserver
# for /healthz and /metrics, jdk.crypto.ec for TLS to the API server (ECDHE), jdk.jfr for Netty's events.
modules="java.base,java.logging,java.management,java.naming,java.net.http,java.sql,jdk.crypto.ec,jdk.httpserver,jdk.jfr,jdk.management,jdk.unsupported"
uid=65532
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")}"
cache_root="${RECOMMENDER_CACHE_DIR:-$HOME/.cache/recommender-operator}/base-images"

key="$( { cat "$0"; "$java_home/bin/java" -version 2>&1; } | sha256sum | cut -c1-16)"
cached="$cache_root/$key/base-image.tar"
mkdir -p "$(dirname "$out")"
if [ -f "$cached" ]; then
  cp "$cached" "$out"
  echo "build-base-image: cached operator base $key -> $out"
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/opt" "$root/etc" "$root/tmp" "$root/lib64"

echo "build-base-image: jlink $modules"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$root/opt/java"
"$root/opt/java/bin/java" -Xshare:dump >/dev/null

mapfile -t elves < <(find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/java' \))
declare -A libs=()
for elf in "${elves[@]}"; do
  while read -r lib; do
    [ -n "$lib" ] && libs["$lib"]=1
  done < <(LD_LIBRARY_PATH="$root/opt/java/lib:$root/opt/java/lib/server" ldd "$elf" 2>/dev/null \
    | awk '/=> \// {print $3} /^\t\/lib64\// {print $1}' | grep -v "^$root")
done
for lib in "${!libs[@]}"; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/ld-linux-x86-64.so.2"
echo "build-base-image: system libraries: $(printf '%s\n' "${!libs[@]}" | xargs -n1 basename | sort | tr '\n' ' ')"

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

# One reproducible layer owned by root; the operator runs as $uid and writes only to /tmp.
(cd "$root" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" -- *)
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
cat > "$work/config.json" <<CONFIG
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"$uid:$uid","WorkingDir":"/","Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"operator/deploy/build-base-image.sh ($modules)"}]}
CONFIG
config_id="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mkdir -p "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
mv "$work/config.json" "$work/image/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["recommender-operator-base:%s"],"Layers":["%s/layer.tar"]}]\n' \
  "$config_id" "$key" "$diff_id" > "$work/image/manifest.json"
mkdir -p "$(dirname "$cached")"
# Entries named without "./": Jib refuses to unpack a base tarball that has them.
(cd "$work/image" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$cached.partial" -- *)
mv "$cached.partial" "$cached"
cp "$cached" "$out"
echo "build-base-image: operator base $key ($(du -h "$out" | cut -f1)) -> $out"
