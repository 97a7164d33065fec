#!/usr/bin/env bash
# Smoke test of the real node: up; the project's recommender image (runtime-image, Jib-built) in a
# 2-replica Deployment behind a Service, a recommendation through the ClusterIP from the host and
# from a pod, cluster DNS from a pod's network namespace, an image pulled through the loopback
# registry, one replica's JVM killed under a request loop; down; then nothing may be left.
#
#   smoke.sh
#
# SMOKE_IMAGE   image tarball (default runtime-image/target/runtime-image.tar, built with
#               `mvn -pl runtime-image package -Pimage` when missing)
# SMOKE_BUNDLE  model bundle directory (default runtime-image/target/real-bundle/ml-latest-small, which
#               runtime-image's RealBundleSourcesAgreeTest trains)
# SMOKE_KEEP=1  leave the node running at the end (no leftover check)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
image_tar="${SMOKE_IMAGE:-$repo/runtime-image/target/runtime-image.tar}"
bundle_src="${SMOKE_BUNDLE:-$repo/runtime-image/target/real-bundle/ml-latest-small}"
node="$here/node.sh"
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
dir="${NODE_DIR:-$cache/node-cluster}"
ns=smoke
dns_ip=198.19.210.10

say() { echo "smoke: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }

# Every kind of thing node.sh makes: none may exist once it is down.
nothing_left() {
  local left=() netns tool chains
  pgrep -f "$dir/" > /dev/null && left+=("processes: $(pgrep -af "$dir/" | cut -c1-120 | tr '\n' ';')")
  pgrep -f "containerd-shim-runc-v2 .*$dir/run/containerd.sock" > /dev/null && left+=("containerd shims")
  findmnt -rn -o TARGET | grep -qF "$dir/" && left+=("mounts: $(findmnt -rn -o TARGET | grep -F "$dir/" | head -3 | tr '\n' ' ')")
  ip link show rnode0 > /dev/null 2>&1 && left+=("bridge rnode0")
  for netns in /run/netns/cni-*; do
    [[ -e "$netns" ]] && ip -n "$(basename "$netns")" -4 -o addr show 2> /dev/null | grep -q ' 198\.19\.200\.' && left+=("netns $netns")
  done
  for tool in iptables ip6tables; do
    chains="$("$tool"-save 2> /dev/null | grep -c '^:KUBE-' || true)"
    ((chains == 0)) || left+=("$chains $tool KUBE-* chains")
  done
  ls -d /sys/fs/cgroup/*/recommender-node > /dev/null 2>&1 && left+=("cgroups: $(ls -d /sys/fs/cgroup/*/recommender-node | tr '\n' ' ')")
  ip route | grep -q '198\.19\.2[01]0\.' && left+=("routes: $(ip route | grep '198\.19\.2[01]0\.')")
  [[ "$(cat /proc/sys/net/ipv4/ip_forward)" == "$forward_before" ]] || left+=("net.ipv4.ip_forward not restored to $forward_before")
  ((${#left[@]} == 0)) || die "left after down: ${left[*]}"
}

work="$(mktemp -d)"
registry_pid=""
loop_pid=""
node_up=false
cleanup() {
  local rc=$?
  if [[ -n "$loop_pid" ]]; then kill "$loop_pid" 2> /dev/null || true; fi
  if [[ -n "$registry_pid" ]]; then
    kill "$registry_pid" 2> /dev/null || true
    wait "$registry_pid" 2> /dev/null || true
  fi
  if [[ "$node_up" == true && "${SMOKE_KEEP:-}" != 1 ]]; then
    "$node" down || rc=1
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

[[ -d "$bundle_src" ]] || die "no model bundle at $bundle_src (run runtime-image's tests, or set SMOKE_BUNDLE)"
if [[ ! -f "$image_tar" ]]; then
  say "building the runtime image (mvn -pl runtime-image package -Pimage)"
  (cd "$repo" && mvn -B -ntp -q -o -pl runtime-image package -Pimage -DskipTests)
fi
# Copies: another build may rewrite runtime-image/target meanwhile, and the service runs as 65532.
cp "$image_tar" "$work/image.tar"
cp -r "$bundle_src" "$work/bundle"
chmod -R a+rX "$work/bundle"
chmod 755 "$work"

forward_before="$(cat /proc/sys/net/ipv4/ip_forward)"

bin="$("$here/../cluster/build-binaries.sh" etcd kube-apiserver kube-controller-manager kube-scheduler kubectl \
  kubelet kube-proxy coredns | tail -n 1)"
kubectl="$bin/kubectl"

# --- a component that cannot start: up fails with its log tail and leaves nothing -------------------
"$node" down 2> /dev/null
mkdir -p "$work/bin"
for b in "$bin"/*; do ln -s "$b" "$work/bin/"; done
rm "$work/bin/kubelet"
printf '#!/bin/sh\necho "kubelet: injected start failure" >&2\nexit 1\n' > "$work/bin/kubelet"
chmod +x "$work/bin/kubelet"
if K8S_BIN="$work/bin" "$node" up > "$work/fault.out" 2> "$work/fault.err"; then
  die "up succeeded with a kubelet that exits at once"
fi
grep -q "kubelet failed to start" "$work/fault.err" && grep -q "injected start failure" "$work/fault.err" \
  || { cat "$work/fault.err" >&2; die "up did not report the kubelet's failure with its log"; }
nothing_left
say "up with a failing kubelet: exit non-zero, the kubelet's log tail printed, nothing left"
began=$SECONDS
node_up=true
kubeconfig="$("$node" up)"
up_s=$((SECONDS - began))
export KUBECONFIG="$kubeconfig"
ctr_k8s() { ctr --address "$dir/run/containerd.sock" --namespace k8s.io "$@"; }

began=$SECONDS
"$node" import "$work/image.tar" 2> "$work/import.log" || { cat "$work/import.log" >&2; die "import"; }
image="$(sed -n 's/^node: imported //p' "$work/import.log" | tail -n 1)"
import_s=$((SECONDS - began))
say "node up in $up_s s; $image imported in $import_s s"

"$kubectl" create namespace "$ns" > /dev/null
for _ in $(seq 1 100); do
  "$kubectl" -n "$ns" get serviceaccount default > /dev/null 2>&1 && break
  sleep 0.2
done

# --- an image pulled from a loopback registry through containerd's hosts.toml ---------------------
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$work/registry"
cat > "$work/registry.yml" << EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: $work/registry
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$work/registry.yml" > "$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/v2/" > /dev/null 2>&1 && break; sleep 0.1; done
"$node" registry "127.0.0.1:$port" 2> /dev/null
# The same registry as docker.io's mirror: how the cluster gets images named after public ones.
"$node" registry "127.0.0.1:$port" docker.io 2> /dev/null
# The pause image's docker-save tarball pushed as an OCI image with the registry API (no push tool here).
pause_tar="$(ls -t "$cache"/node-images/pause-*.tar | head -n 1)"
mkdir -p "$work/pause" && tar -xf "$pause_tar" -C "$work/pause"
push_blob() {
  local file="$1" digest location
  digest="sha256:$(sha256sum "$file" | cut -d' ' -f1)"
  location="$(curl -fsS -X POST -D - -o /dev/null "http://127.0.0.1:$port/v2/smoke/pause/blobs/uploads/" \
    | tr -d '\r' | awk 'tolower($1) == "location:" {print $2}')"
  [[ "$location" == http* ]] || location="http://127.0.0.1:$port$location"
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$file" \
    "$location$([[ "$location" == *\?* ]] && echo '&' || echo '?')digest=$digest" > /dev/null
  echo "$digest $(stat -c %s "$file")"
}
config_file="$work/pause/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Config"])' "$work/pause/manifest.json")"
layer_file="$work/pause/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["Layers"][0])' "$work/pause/manifest.json")"
read -r config_digest config_size < <(push_blob "$config_file")
read -r layer_digest layer_size < <(push_blob "$layer_file")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$work/manifest.json"
curl -fsS -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$work/manifest.json" \
  "http://127.0.0.1:$port/v2/smoke/pause/manifests/1" > /dev/null
"$kubectl" -n "$ns" apply -f - > /dev/null << EOF
apiVersion: v1
kind: Pod
metadata:
  name: pulled
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 65535}
  containers:
  - name: pause
    image: 127.0.0.1:$port/smoke/pause:1
    imagePullPolicy: Always
    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
---
apiVersion: v1
kind: Pod
metadata:
  name: mirrored
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 65535}
  containers:
  - name: pause
    image: smoke/pause:1
    imagePullPolicy: Always
    securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
EOF

# --- the recommender: 2 replicas behind a Service ---------------------------------------------------
"$kubectl" -n "$ns" apply -f - > /dev/null << EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: recommender
spec:
  replicas: 2
  selector:
    matchLabels: {app: recommender}
  template:
    metadata:
      labels: {app: recommender}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532}
      containers:
      - name: runtime
        image: $image
        imagePullPolicy: IfNotPresent
        ports:
        - containerPort: 8080
        readinessProbe:
          httpGet: {path: /health/readiness, port: 8080}
          periodSeconds: 1
        resources:
          limits: {memory: 1Gi}
        securityContext: {readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
        volumeMounts:
        - {name: bundle, mountPath: /opt/recommender/bundle, readOnly: true}
        - {name: tmp, mountPath: /tmp}
      volumes:
      - name: bundle
        hostPath: {path: $work/bundle, type: Directory}
      - name: tmp
        emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: recommender
spec:
  selector: {app: recommender}
  ports:
  - {port: 80, targetPort: 8080}
EOF
began=$SECONDS
"$kubectl" -n "$ns" rollout status deployment/recommender --timeout=240s > /dev/null \
  || { "$kubectl" -n "$ns" describe pods >&2; die "the Deployment did not become ready"; }
say "2 recommender pods ready $((SECONDS - began)) s after the Deployment was created"
"$kubectl" -n "$ns" wait pod/pulled --for=condition=Ready --timeout=60s > /dev/null \
  || { "$kubectl" -n "$ns" describe pod pulled >&2; die "the pod of the registry image did not start"; }
say "pod of 127.0.0.1:$port/smoke/pause:1 Running: pulled over http from the loopback registry"
"$kubectl" -n "$ns" wait pod/mirrored --for=condition=Ready --timeout=60s > /dev/null \
  || { "$kubectl" -n "$ns" describe pod mirrored >&2; die "the pod of smoke/pause:1 (docker.io, mirrored) did not start"; }
say "pod of smoke/pause:1 Running: docker.io/smoke/pause:1 pulled from the loopback registry as docker.io's mirror"

cluster_ip="$("$kubectl" -n "$ns" get service recommender -o jsonpath='{.spec.clusterIP}')"
predict() { curl -fsS -m 5 -H 'Content-Type: application/json' -d "{\"uid\": $1}" "http://$cluster_ip/predict"; }
count_items() { python3 -c 'import json,sys; print(len(json.load(sys.stdin)["Recommended"]))'; }
answer="$(predict 1)" || die "no answer from http://$cluster_ip/predict"
[[ "$(count_items <<< "$answer")" == 10 ]] || die "not 10 recommendations: $answer"
say "host -> ClusterIP $cluster_ip -> pod: $answer"

# --- DNS and Service traffic from inside a pod --------------------------------------------------------
read -r -a pods <<< "$("$kubectl" -n "$ns" get pods -l app=recommender -o jsonpath='{.items[*].metadata.name}')"
task_pid() {
  local id
  id="$("$kubectl" -n "$ns" get pod "$1" -o jsonpath='{.status.containerStatuses[0].containerID}')"
  ctr_k8s tasks ls | awk -v id="${id#containerd://}" '$1 == id {print $2}'
}
pid="$(task_pid "${pods[0]}")"
[[ -n "$pid" ]] || die "no process for pod ${pods[0]}"
resolver="$(awk '$1 == "nameserver" {print $2; exit}' "/proc/$pid/root/etc/resolv.conf")"
[[ "$resolver" == "$dns_ip" ]] || die "pod's resolv.conf names $resolver, not $dns_ip"
grep -q "^search $ns.svc.cluster.local svc.cluster.local cluster.local" "/proc/$pid/root/etc/resolv.conf" \
  || die "pod's resolv.conf lacks the cluster search path: $(cat "/proc/$pid/root/etc/resolv.conf")"
resolved="$(nsenter -t "$pid" -n dig +short +time=2 +tries=2 "@$resolver" "recommender.$ns.svc.cluster.local" A)"
[[ "$resolved" == "$cluster_ip" ]] || die "recommender.$ns.svc.cluster.local resolved to '$resolved' in the pod, not $cluster_ip"
say "in pod ${pods[0]}: recommender.$ns.svc.cluster.local -> $resolved (from $resolver)"
answer="$(nsenter -t "$pid" -n curl -fsS -m 5 -H 'Content-Type: application/json' -d '{"uid": 2}' "http://$resolved/predict")" \
  || die "pod -> Service failed"
[[ "$(count_items <<< "$answer")" == 10 ]] || die "not 10 recommendations from inside the pod: $answer"
say "pod -> Service -> pod: $answer"
uid="$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")"
[[ "$uid" == 65532 ]] || die "the JVM runs as uid $uid"

# --- one replica killed under a request loop ------------------------------------------------------------
# The loop runs until told to stop (at most 150 s): through the kill, the victim's restart and 5 s after it is
# Ready again, so the check holds however long this machine takes to restart a JVM.
# Each line: milliseconds since the loop began, HTTP code (000: no answer within 2 s).
ms_now() { echo $(( ($(date +%s%N) - loop_start) / 1000000 )); }
loop_start=$(date +%s%N)
(
  end=$((SECONDS + 150))
  while ((SECONDS < end)) && [[ ! -e "$work/loop.stop" ]]; do
    code="$(curl -s -o /dev/null -w '%{http_code}' -m 2 -H 'Content-Type: application/json' -d '{"uid": 3}' "http://$cluster_ip/predict" || true)"
    echo "$(ms_now) $code"
    sleep 0.05
  done
) > "$work/loop.log" &
loop_pid=$!
sleep 3
victim="${pods[1]}"
victim_pid="$(task_pid "$victim")"
kill_ms=$(ms_now)
kill -KILL "$victim_pid"
say "killed the JVM of $victim (pid $victim_pid) under the request loop at $kill_ms ms"
restarts=0
back_ms=""
for _ in $(seq 1 600); do
  restarts="$("$kubectl" -n "$ns" get pod "$victim" -o jsonpath='{.status.containerStatuses[0].restartCount}')"
  ready="$("$kubectl" -n "$ns" get pod "$victim" -o jsonpath='{.status.containerStatuses[0].ready}')"
  if ((restarts >= 1)) && [[ "$ready" == true ]]; then back_ms=$(ms_now); break; fi
  sleep 0.2
done
[[ -n "$back_ms" ]] || { "$kubectl" -n "$ns" describe pod "$victim" >&2; die "the killed replica did not come back within 120 s (restartCount $restarts)"; }
sleep 5
touch "$work/loop.stop"
wait "$loop_pid"
loop_pid=""
total="$(wc -l < "$work/loop.log")"
ok="$(awk '$2 == 200' "$work/loop.log" | wc -l)"
failures="$(awk '$2 != 200 {printf "%s ms:%s ", $1, $2}' "$work/loop.log")"
# While the victim is down the other replica must answer; once it is back (and kube-proxy has had 1 s to
# route to it) every request must be answered, the restarted replica's first ones included.
after_ok="$(awk -v k="$kill_ms" -v b="$back_ms" '$1 > k && $1 < b && $2 == 200' "$work/loop.log" | wc -l)"
rejoined="$(awk -v b="$back_ms" '$1 > b + 1000' "$work/loop.log" | wc -l)"
rejoined_failed="$(awk -v b="$back_ms" '$1 > b + 1000 && $2 != 200 {printf "%s ms:%s ", $1, $2}' "$work/loop.log")"
summary="$total requests, $ok answered 200; killed at $kill_ms ms, Ready again (restartCount $restarts) at $back_ms ms; failed: ${failures:-none}"
say "request loop: $summary"
((after_ok > 0)) || die "no request was answered while one replica was down ($summary)"
((rejoined >= 20)) || die "only $rejoined requests after the replica came back ($summary)"
[[ -z "$rejoined_failed" ]] || die "requests failed after the killed replica was Ready again: $rejoined_failed($summary)"
say "$after_ok requests answered by the other replica while $victim was down; all $rejoined after it was back answered"

[[ "${SMOKE_KEEP:-}" == 1 ]] && { say "OK (node left running: SMOKE_KEEP=1)"; exit 0; }

# --- down, and nothing left ----------------------------------------------------------------------------
began=$SECONDS
node_up=false
"$node" down
say "node down in $((SECONDS - began)) s"
nothing_left
say "nothing left: no processes, mounts, network namespaces, bridge, KUBE-* chains, cgroups or routes; ip_forward $forward_before again"
say "OK"
