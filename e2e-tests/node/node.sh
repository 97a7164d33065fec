#!/usr/bin/env bash
# A real one-node Kubernetes cluster on this machine: containerd + runc, a CNI bridge, etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy (iptables mode)
# and CoreDNS, all as host processes; pods are real containers.
#
#   node.sh up                        start (idempotent), wait until ready, print the kubeconfig path
#   node.sh down                      stop everything and remove every process, mount, network
#                                     namespace, iptables chain, cgroup and the bridge it made
#   node.sh status                    each component, the node and the pods; exit 3 when not running
#   node.sh kubeconfig                print the admin kubeconfig path; exit 1 when not running
#   node.sh import TAR...             load image tarballs (docker-save or OCI layout) into the node
#   node.sh registry ADDR [REGISTRY]  let the node pull REGISTRY's images (default: ADDR's own) from
#                                     the plain-http registry at ADDR, e.g. 127.0.0.1:5000
#
# State in $NODE_DIR (default ${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}/node-cluster):
# pki/, kubeconfig/, config/, logs/ (every component), run/ (pids, ports, sockets), containerd/
# (root/ keeps the images across down/up; everything else is made afresh by each up).
# Binaries from ../cluster/build-binaries.sh, or $K8S_BIN. One such node per machine: the bridge
# name and the address ranges below are fixed. What it shares with ../cluster/control-plane.sh is in
# ../lib/cluster.sh; the files it generates for its components are in configs.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/cluster.sh
source "$here/../lib/cluster.sh"
# shellcheck source=configs.sh
source "$here/configs.sh"
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
dir="${NODE_DIR:-$cache/node-cluster}"
pki="$dir/pki"
kcfg="$dir/kubeconfig"
conf="$dir/config"
run="$dir/run"
logs="$dir/logs"
admin_kubeconfig="$kcfg/admin.kubeconfig"
sock="$run/containerd.sock"
log_prefix="node"
cluster_name="recommender-node"

# Inside 198.18.0.0/15 (reserved for benchmarking, never routed on the internet) and apart from the
# kwok control plane's (never used) 198.18.0.0/16 services and 198.19.0.0-198.19.255.255 fake pod
# CIDRs handed out from the bottom: the bridge owns the pod range, and the service range is routed
# to the bridge, so no test packet leaves through eth0.
bridge="rnode0"
pod_cidr="198.19.200.0/24"
node_ip="198.19.200.1"
api_host="$node_ip"
service_cidr="198.19.210.0/24"
service_ip="198.19.210.1"
dns_ip="198.19.210.10"
node_name="recommender-node"
cgroup_root="recommender-node"
pause_image="localhost/recommender-node/pause:1"

components=(containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy coredns)
k8s_binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy coredns)
ready_timeout="${NODE_READY_TIMEOUT:-120}"

# containerd is the system's (Debian's package), the rest come from $bin.
binary_of() {
  case "$1" in
    containerd) echo /usr/bin/containerd ;;
    *) echo "$bin/$1" ;;
  esac
}

ctr_k8s() { ctr --address "$sock" --namespace k8s.io "$@"; }

# Our pods' network namespaces: CRI names them cni-<uuid>; ours are those holding an address in
# the pod range (a namespace of anybody else's never does).
our_netns() {
  local ns
  for ns in /run/netns/cni-*; do
    [[ -e "$ns" ]] || continue
    ip -n "$(basename "$ns")" -4 -o addr show 2> /dev/null | grep -q " ${pod_cidr%.*}\." && echo "$ns"
  done
  return 0
}

cgroup_dirs() {
  local c
  for c in /sys/fs/cgroup/*/; do
    [[ -d "$c$cgroup_root" ]] && echo "$c$cgroup_root"
  done
  return 0
}

iptables_cleanup() {
  local tool table chain
  # kube-proxy removes its own rules first (it knows them); then whatever KUBE-* chain is left
  # (the kubelet's canaries and hints, ip6tables' twins) goes, with every jump to it.
  if [[ -x "${bin:-}/kube-proxy" ]]; then
    "$bin/kube-proxy" --cleanup > "$logs/kube-proxy-cleanup.log" 2>&1 || true
  fi
  for tool in iptables ip6tables; do
    command -v "$tool" > /dev/null || continue
    for table in filter nat mangle raw; do
      "$tool" -t "$table" -S > /dev/null 2>&1 || continue
      # Jumps first: a chain that is still referenced cannot be deleted.
      # xargs, not read: rules carry quoted comments with spaces.
      "$tool" -t "$table" -S 2> /dev/null | grep -E '^-A [A-Z]+ .*-j KUBE-' | grep -vE '^-A KUBE-' | sed 's/^-A /-D /' \
        | xargs -r -L 1 "$tool" -t "$table" 2> /dev/null || true
      for chain in $("$tool" -t "$table" -S 2> /dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
        "$tool" -t "$table" -F "$chain" 2> /dev/null || true
      done
      for chain in $("$tool" -t "$table" -S 2> /dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ {print $2}'); do
        "$tool" -t "$table" -X "$chain" 2> /dev/null || true
      done
    done
  done
}

# Removes everything a run left, whatever state it is in: processes, containers, mounts, network
# namespaces, the bridge and its route, iptables chains, cgroups, sysctl changes, volatile state.
teardown() {
  local id pid ns m c i
  # Nothing may recreate pods while they are being removed.
  stop kube-proxy coredns kubelet kube-scheduler kube-controller-manager
  if running containerd; then
    for id in $(ctr_k8s tasks ls -q 2> /dev/null); do
      ctr_k8s tasks kill --signal SIGKILL "$id" > /dev/null 2>&1 || true
    done
    for id in $(ctr_k8s containers ls -q 2> /dev/null); do
      ctr_k8s tasks delete --force "$id" > /dev/null 2>&1 || true
      ctr_k8s containers delete "$id" > /dev/null 2>&1 || true
    done
  fi
  stop containerd
  # Shims outlive a containerd that died: those serving our socket go too.
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*-address $sock( |$)" || true); do
    kill -KILL "$pid" 2> /dev/null || true
  done
  # Containers of a run whose containerd was killed hard are still in our cgroups.
  for c in $(cgroup_dirs); do
    find "$c" -name cgroup.procs -exec cat {} + 2> /dev/null | while read -r pid; do
      kill -KILL "$pid" 2> /dev/null || true
    done
  done
  for ns in $(our_netns); do
    umount "$ns" 2> /dev/null || umount -l "$ns" 2> /dev/null || true
    rm -f "$ns"
  done
  # Deepest first: pod volumes (tmpfs, bind), container root filesystems (overlay), sandbox shm.
  for m in $(findmnt -rn -o TARGET | grep -F "$dir/" | awk '{print length, $0}' | sort -rn | cut -d' ' -f2-); do
    umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || true
  done
  ip link show "$bridge" > /dev/null 2>&1 && ip link delete "$bridge"
  iptables_cleanup
  for c in $(cgroup_dirs); do
    for ((i = 0; i < 20; i++)); do
      find "$c" -depth -type d -exec rmdir {} \; 2> /dev/null || true
      [[ -d "$c" ]] || break
      sleep 0.1
    done
    [[ -d "$c" ]] && log "could not remove cgroup $c"
  done
  if [[ -f "$run/ip_forward.orig" ]]; then
    sysctl -qw net.ipv4.ip_forward="$(cat "$run/ip_forward.orig")"
    rm -f "$run/ip_forward.orig"
  fi
  # The API server waits for in-flight requests to drain for up to a minute; its data is discarded
  # below anyway.
  grace=30 stop kube-apiserver
  stop etcd
  # Registries are per run (tests start them on free ports): a new up starts with none.
  rm -rf "$dir/etcd" "$dir/kubelet" "$dir/pod-logs" "$dir/cni" "$dir/containerd/state" "$dir/containerd/opt" \
    "$dir/containerd/certs.d"
}

# What fail does before its exit 1.
abort_start() {
  teardown
  log "removed everything this run started"
}

port_names=(etcd_port etcd_peer_port api_port kcm_port scheduler_port kubelet_port kubelet_healthz_port
  proxy_healthz_port proxy_metrics_port dns_health_port dns_ready_port)

pki_files=(ca apiserver apiserver-kubelet-client admin controller-manager scheduler kubelet kubelet-serving
  kube-proxy coredns front-proxy-ca front-proxy-client)

# The certificates signed by the CA (make_pki).
make_certs() {
  sign ca apiserver "/CN=kube-apiserver" "$server_ext
subjectAltName=IP:$node_ip,IP:$service_ip,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  # The API server's identity towards the kubelet (logs, exec, port-forward).
  sign ca apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client_ext"
  sign ca admin "/O=system:masters/CN=kubernetes-admin" "$client_ext"
  sign ca controller-manager "/CN=system:kube-controller-manager" "$client_ext"
  sign ca scheduler "/CN=system:kube-scheduler" "$client_ext"
  # The Node authorizer and NodeRestriction admission know a kubelet by exactly this name and group.
  sign ca kubelet "/O=system:nodes/CN=system:node:$node_name" "$client_ext"
  # Signed by the cluster CA, so that the API server verifies the kubelet it connects to.
  sign ca kubelet-serving "/O=system:nodes/CN=system:node:$node_name" "$server_ext
subjectAltName=IP:$node_ip,DNS:$node_name"
  # Bound to system:node-proxier by the API server's bootstrap policy.
  sign ca kube-proxy "/CN=system:kube-proxy" "$client_ext"
  # Bound by up to a ClusterRole that reads what CoreDNS's kubernetes plugin watches, nothing more.
  sign ca coredns "/CN=recommender-node:coredns" "$client_ext"
}

# The bridge exists before anything binds to its address; the CNI plugin attaches pods to it.
setup_network() {
  local conflict
  conflict="$(ip -4 route show to match "$node_ip" | grep -v '^default' | grep -v " dev $bridge " || true)"
  [[ -z "$conflict" ]] || { log "$pod_cidr is already routed elsewhere: $conflict"; return 1; }
  ip link add "$bridge" type bridge
  ip addr add "$node_ip/${pod_cidr#*/}" dev "$bridge"
  ip link set "$bridge" up
  ip route add "$service_cidr" dev "$bridge" src "$node_ip"
  # A pod reaching another pod through a Service address is routed back out of the bridge.
  [[ -f "$run/ip_forward.orig" ]] || cat /proc/sys/net/ipv4/ip_forward > "$run/ip_forward.orig"
  sysctl -qw net.ipv4.ip_forward=1
}

make_cgroups() {
  local c
  for c in /sys/fs/cgroup/*/; do
    [[ -e "${c}cgroup.procs" && "$c" != */unified/ ]] || continue
    mkdir -p "$c$cgroup_root"
    # A new cpuset cgroup has no CPUs or memory nodes until given its parent's.
    if [[ -f "${c}cpuset.cpus" ]]; then
      cat "${c}cpuset.cpus" > "$c$cgroup_root/cpuset.cpus"
      cat "${c}cpuset.mems" > "$c$cgroup_root/cpuset.mems"
    fi
  done
}

# The pause image, built from ./pause and cached by its inputs; imported once into containerd.
ensure_pause_image() {
  local key tar
  key="$( { cat "$here/pause-image.sh" "$here/pause/main.go" "$here/pause/go.mod"; go version; echo "$pause_image"; } \
    | sha256sum | cut -c1-16)"
  tar="$cache/node-images/pause-$key.tar"
  if [[ ! -f "$tar" ]]; then
    "$here/pause-image.sh" "$tar" "$pause_image" > "$logs/pause-image.log" 2>&1 || {
      tail -n 20 "$logs/pause-image.log" >&2
      return 1
    }
  fi
  if [[ "$(cat "$dir/containerd/root/.pause-key" 2> /dev/null)" != "$key" ]] \
    || ! ctr_k8s images ls -q | grep -qxF "$pause_image"; then
    ctr_k8s images import --snapshotter overlayfs "$tar" > "$logs/pause-import.log" 2>&1
    echo "$key" > "$dir/containerd/root/.pause-key"
  fi
}

node_ready() {
  [[ "$(kubectl_admin get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

dns_answers() {
  [[ "$(dig +short +time=1 +tries=1 "@$dns_ip" kubernetes.default.svc.cluster.local A)" == "$service_ip" ]]
}

up() {
  mkdir -p "$logs" "$kcfg" "$run"
  chmod 700 "$dir"
  local began=$SECONDS
  if all_running; then
    source "$run/ports.env"
    bin="$(running_bin)"
    if api_ready > /dev/null 2>&1 && node_ready > /dev/null 2>&1; then
      log "already running (https://$node_ip:$api_port)"
      echo "$admin_kubeconfig"
      return
    fi
  fi
  "$here/install-deps.sh"
  bin="$(bin_dir "${k8s_binaries[@]}")"
  # Whatever is left of an earlier run that died half way goes before a fresh start.
  teardown
  local c
  for c in "${components[@]}"; do
    [[ -x "$(binary_of "$c")" ]] || { log "missing $(binary_of "$c")"; exit 1; }
  done
  make_pki recommender-node-ca recommender-node-front-proxy-ca
  choose_ports "${port_names[@]}"
  for c in admin controller-manager scheduler kubelet kube-proxy coredns; do
    write_kubeconfig "$kcfg/$c.kubeconfig" "$c"
  done
  write_configs
  setup_network || fail network "cannot set up the bridge $bridge"
  make_cgroups

  start containerd --config "$conf/containerd.toml"
  wait_for containerd "its socket $sock" ctr --address "$sock" version
  ensure_pause_image || fail containerd "importing the pause image (see $logs/pause-import.log)"

  start_etcd node
  # On the bridge address: pods reach it there, as the "kubernetes" Service's endpoint. That endpoint
  # is ours (cluster-addons.yaml): the API server's own reconciler, on shutdown, waits 20 s for a
  # request to itself that it no longer serves.
  start_apiserver --enable-admission-plugins=NodeRestriction \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$pki/ca.crt" --kubelet-preferred-address-types=InternalIP
  start_controller_manager --allocate-node-cidrs=false --kube-api-qps=100 --kube-api-burst=200
  start_scheduler
  start kubelet --config="$conf/kubelet.yaml" --kubeconfig="$kcfg/kubelet.kubeconfig" --root-dir="$dir/kubelet" \
    --hostname-override="$node_name" --node-ip="$node_ip"
  start kube-proxy --config="$conf/kube-proxy.yaml"
  kubectl_admin apply -f "$conf/cluster-addons.yaml" > "$logs/cluster-addons.log" 2>&1 \
    || fail kube-apiserver "creating the API server's endpoint and the DNS service: $(cat "$logs/cluster-addons.log")"
  start coredns -conf "$conf/Corefile"

  wait_for_controllers
  wait_for kubelet "node $node_name Ready" node_ready
  wait_for kube-proxy "/healthz on 127.0.0.1:$proxy_healthz_port" curl -fsS --max-time 2 "http://127.0.0.1:$proxy_healthz_port/healthz"
  wait_for coredns "/ready on 127.0.0.1:$dns_ready_port" curl -fsS --max-time 2 "http://127.0.0.1:$dns_ready_port/ready"
  wait_for coredns "an answer for kubernetes.default.svc.cluster.local at $dns_ip" dns_answers
  wait_for_default_service_account

  log "up in $((SECONDS - began)) s: https://$node_ip:$api_port, node $node_name, logs in $logs"
  echo "$admin_kubeconfig"
}

status() {
  local rc=0
  component_status || rc=3
  if ((rc == 0)); then
    source "$run/ports.env"
    echo "api server: https://$node_ip:$api_port"
    echo "kubeconfig: $admin_kubeconfig"
    echo "pods: $pod_cidr on $bridge, services: $service_cidr, DNS: $dns_ip"
    bin="$(running_bin)"
    kubectl_admin get nodes -o wide && kubectl_admin get pods --all-namespaces -o wide || rc=3
  fi
  return "$rc"
}

# The name the kubelet asks CRI for: "name:tag" means docker.io/library/name:tag, "org/name:tag"
# docker.io/org/name:tag; a first component with a dot or a port, or "localhost", is a registry.
normalized() {
  local ref="$1" first="${1%%/*}"
  if [[ "$ref" != */* ]]; then
    echo "docker.io/library/$ref"
  elif [[ "$first" == *.* || "$first" == *:* || "$first" == localhost ]]; then
    echo "$ref"
  else
    echo "docker.io/$ref"
  fi
}

import_images() {
  running containerd || { log "not running (start it with: $0 up)"; exit 1; }
  local tar name full
  for tar in "$@"; do
    [[ -f "$tar" ]] || { log "no image tarball at $tar"; exit 1; }
    # Unpacked for overlayfs now, so that the first pod does not wait for it.
    ctr_k8s images import --snapshotter overlayfs "$tar" > "$logs/import.log" 2>&1 \
      || { cat "$logs/import.log" >&2; log "importing $tar failed"; exit 1; }
    # ctr keeps the names in the tarball as written, CRI looks images up by their normalized name.
    for name in $(sed -n 's/^unpacking \([^ ]*\) (sha256:.*/\1/p' "$logs/import.log"); do
      full="$(normalized "$name")"
      [[ "$full" == "$name" ]] || ctr_k8s images tag --force "$name" "$full" > /dev/null
      log "imported $full"
    done
  done
}

# containerd reads certs.d/<registry>/hosts.toml on every pull, so this works on a running node.
add_registry() {
  local addr="${1:-}" registry="${2:-${1:-}}"
  [[ "$addr" =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || { log "registry address must be HOST:PORT, got '$addr'"; exit 2; }
  [[ "$registry" =~ ^[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || { log "registry name must be HOST[:PORT], got '$registry'"; exit 2; }
  running containerd || { log "not running (start it with: $0 up)"; exit 1; }
  mkdir -p "$dir/containerd/certs.d/$registry"
  cat > "$dir/containerd/certs.d/$registry/hosts.toml" << EOF
server = "http://$addr"

[host."http://$addr"]
  capabilities = ["pull", "resolve"]
EOF
  log "images of $registry are pulled from http://$addr"
}

main() {
  case "${1:-}" in
    up)
      lock
      up
      ;;
    down)
      lock
      mkdir -p "$logs"
      bin="${K8S_BIN:-$(tail -n 1 "$logs/build.log" 2> /dev/null || true)}"
      teardown
      log "down: nothing of the node is left"
      ;;
    status) status ;;
    kubeconfig) print_kubeconfig ;;
    import)
      shift
      import_images "$@"
      ;;
    registry)
      shift
      add_registry "$@"
      ;;
    *)
      echo "usage: $0 up|down|status|kubeconfig|import TAR...|registry ADDR [REGISTRY]" >&2
      exit 2
      ;;
  esac
}

# One line, so that bash has read all of it before running: an edit of this file while a call
# waits on the lock then cannot change what that call runs.
main "$@"; exit
