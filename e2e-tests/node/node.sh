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
# name and the address ranges below are fixed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
dir="${NODE_DIR:-$cache/node-cluster}"
pki="$dir/pki"
kcfg="$dir/kubeconfig"
conf="$dir/config"
run="$dir/run"
logs="$dir/logs"
admin_kubeconfig="$kcfg/admin.kubeconfig"
sock="$run/containerd.sock"

# Inside 198.18.0.0/15 (reserved for benchmarking, never routed on the internet) and apart from the
# kwok control plane's (never used) 198.18.0.0/16 services and 198.19.0.0-198.19.255.255 fake pod
# CIDRs handed out from the bottom: the bridge owns the pod range, and the service range is routed
# to the bridge, so no test packet leaves through eth0.
bridge="rnode0"
pod_cidr="198.19.200.0/24"
node_ip="198.19.200.1"
service_cidr="198.19.210.0/24"
service_ip="198.19.210.1"
dns_ip="198.19.210.10"
node_name="recommender-node"
cgroup_root="recommender-node"
pause_image="localhost/recommender-node/pause:1"

components=(containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy coredns)
k8s_binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy coredns)
ready_timeout="${NODE_READY_TIMEOUT:-120}"

log() { echo "node: $*" >&2; }

binary_of() {
  case "$1" in
    containerd) echo /usr/bin/containerd ;;
    *) echo "$bin/$1" ;;
  esac
}

pid_of() {
  local pid
  pid="$(cat "$run/$1.pid" 2> /dev/null)" || return 1
  # The pid must still be the process this script started: pids are reused.
  [[ -n "$pid" && "$({ tr '\0' '\n' < "/proc/$pid/cmdline"; } 2> /dev/null | head -n 1)" == */"$1" ]] || return 1
  echo "$pid"
}

running() { pid_of "$1" > /dev/null; }

# stop NAME...: SIGTERM to each, then SIGKILL to any still running after $grace tenths of a second.
stop() {
  local name pid i left grace="${grace:-100}"
  for name in "$@"; do
    if pid="$(pid_of "$name")"; then
      kill -TERM "$pid" 2> /dev/null || true
    fi
  done
  for ((i = 0; i < grace; i++)); do
    left=0
    for name in "$@"; do
      running "$name" && left=$((left + 1))
    done
    ((left > 0)) || break
    sleep 0.1
  done
  for name in "$@"; do
    if pid="$(pid_of "$name")"; then
      log "$name (pid $pid) still running $((grace / 10)) s after SIGTERM; killing it"
      kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -f "$run/$name.pid"
  done
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

fail() {
  local name="$1" why="$2"
  log "$name failed to start: $why"
  if [[ -f "$logs/$name.log" ]]; then
    echo "----- last lines of $logs/$name.log -----" >&2
    tail -n 40 "$logs/$name.log" >&2
    echo "-----" >&2
  fi
  teardown
  log "removed everything this run started"
  exit 1
}

start() {
  local name="$1"
  shift
  # A session of its own, so that a Ctrl-C or the end of the calling shell does not reach it.
  # 8>&-: the component must not inherit the lock, or it would hold it for its lifetime.
  (cd "$dir" && exec setsid "$(binary_of "$name")" "$@" > "$logs/$name.log" 2>&1 < /dev/null 8>&-) &
  local pid=$! i
  echo "$pid" > "$run/$name.pid"
  for ((i = 0; i < 50; i++)); do
    if running "$name" || ! kill -0 "$pid" 2> /dev/null; then return; fi
    sleep 0.1
  done
}

# wait_for NAME WHAT CHECK...: polls CHECK until it succeeds; fails the start when any component
# started so far has exited, or NAME's time runs out.
wait_for() {
  local name="$1" what="$2" deadline=$((SECONDS + ready_timeout)) c
  shift 2
  until "$@" > /dev/null 2>&1; do
    for c in "${components[@]}"; do
      if [[ -f "$run/$c.pid" ]] && ! running "$c"; then
        fail "$c" "the process exited while waiting for $what"
      fi
    done
    ((SECONDS < deadline)) || fail "$name" "no $what after $ready_timeout s"
    sleep 0.2
  done
}

port_free() { ! (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

# Below Linux's ephemeral range (32768+), so outgoing connections never hold these ports.
pick_port() {
  local p taken=" $* "
  while true; do
    p=$((20000 + RANDOM % 12000))
    [[ "$taken" != *" $p "* ]] && port_free "$p" && { echo "$p"; return; }
  done
}

port_names=(etcd_port etcd_peer_port api_port kcm_port scheduler_port kubelet_port kubelet_healthz_port
  proxy_healthz_port proxy_metrics_port dns_health_port dns_ready_port)

# Keeps the ports of the last run while they are free, so that kubeconfigs stay valid.
choose_ports() {
  local name var chosen=()
  [[ -f "$run/ports.env" ]] && source "$run/ports.env"
  : > "$run/ports.env.tmp"
  for name in "${port_names[@]}"; do
    var="${!name:-}"
    if [[ -z "$var" ]] || ! port_free "$var"; then
      var="$(pick_port "${chosen[@]}")"
    fi
    printf -v "$name" '%s' "$var"
    chosen+=("$var")
    echo "$name=$var" >> "$run/ports.env.tmp"
  done
  mv "$run/ports.env.tmp" "$run/ports.env"
}

new_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/$1.key" 2> /dev/null; }

# new_ca NAME CN: a self-signed certificate authority.
new_ca() {
  new_key "$1"
  openssl req -x509 -new -key "$pki/$1.key" -subj "/CN=$2" -days 3650 -out "$pki/$1.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
}

# sign CA NAME SUBJECT EXTENSIONS: a key and a certificate signed by CA.
sign() {
  local ca="$1" name="$2" subject="$3" ext="$4"
  new_key "$name"
  openssl req -new -key "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/$ca.crt" -CAkey "$pki/$ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 3650 -extfile <(printf '%s\n' "$ext") -out "$pki/$name.crt" 2> /dev/null
  rm -f "$pki/$name.csr"
}

pki_files=(ca apiserver apiserver-kubelet-client admin controller-manager scheduler kubelet kubelet-serving
  kube-proxy coredns front-proxy-ca front-proxy-client)

make_pki() {
  local f complete=true
  for f in "${pki_files[@]}"; do
    [[ -f "$pki/$f.crt" ]] || complete=false
  done
  [[ -f "$pki/sa.pub" && "$complete" == true ]] && return
  rm -rf "$pki"
  mkdir -p "$pki"
  chmod 700 "$pki"
  new_ca ca recommender-node-ca
  local client="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  local server="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth"
  sign ca apiserver "/CN=kube-apiserver" "$server
subjectAltName=IP:$node_ip,IP:$service_ip,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  # The API server's identity towards the kubelet (logs, exec, port-forward).
  sign ca apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "$client"
  sign ca admin "/O=system:masters/CN=kubernetes-admin" "$client"
  sign ca controller-manager "/CN=system:kube-controller-manager" "$client"
  sign ca scheduler "/CN=system:kube-scheduler" "$client"
  # The Node authorizer and NodeRestriction admission know a kubelet by exactly this name and group.
  sign ca kubelet "/O=system:nodes/CN=system:node:$node_name" "$client"
  # Signed by the cluster CA, so that the API server verifies the kubelet it connects to.
  sign ca kubelet-serving "/O=system:nodes/CN=system:node:$node_name" "$server
subjectAltName=IP:$node_ip,DNS:$node_name"
  # Bound to system:node-proxier by the API server's bootstrap policy.
  sign ca kube-proxy "/CN=system:kube-proxy" "$client"
  # Bound by up to a ClusterRole that reads what CoreDNS's kubernetes plugin watches, nothing more.
  sign ca coredns "/CN=recommender-node:coredns" "$client"
  new_ca front-proxy-ca recommender-node-front-proxy-ca
  sign front-proxy-ca front-proxy-client "/CN=front-proxy-client" "$client"
  new_key sa
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
}

write_kubeconfig() {
  local file="$1" user="$2"
  cat > "$file" << EOF
apiVersion: v1
kind: Config
clusters:
- name: recommender-node
  cluster:
    server: https://$node_ip:$api_port
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$pki/$user.crt")
    client-key-data: $(base64 -w0 < "$pki/$user.key")
contexts:
- name: recommender-node
  context:
    cluster: recommender-node
    user: $user
current-context: recommender-node
EOF
  chmod 600 "$file"
}

write_configs() {
  mkdir -p "$conf" "$dir/cni/net.d" "$dir/containerd/certs.d"
  # CRI as the probe found it works here: cgroupfs (PID 1 is not systemd), and oom_score_adj
  # never below containerd's own (root lacks CAP_SYS_RESOURCE, so lowering it fails every sandbox).
  cat > "$conf/containerd.toml" << EOF
version = 2
root = "$dir/containerd/root"
state = "$dir/containerd/state"

[grpc]
  address = "$sock"

[ttrpc]
  address = "$sock.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

[plugins."io.containerd.internal.v1.opt"]
  path = "$dir/containerd/opt"

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  restrict_oom_score_adj = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$dir/cni/net.d"
    max_conf_num = 1
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = "$dir/containerd/certs.d"
EOF
  # No masquerading: pods talk to the host and each other on the bridge only. host-local keeps its
  # leases under our directory, not /var/lib/cni.
  cat > "$dir/cni/net.d/10-recommender-node.conflist" << EOF
{
  "cniVersion": "1.0.0",
  "name": "recommender-node",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$bridge",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$dir/cni/ipam",
        "ranges": [[{"subnet": "$pod_cidr", "gateway": "$node_ip"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    }
  ]
}
EOF
  # Image garbage collection off: imported images cannot be pulled again. Eviction thresholds
  # low: the disk is shared with other work and must not evict test pods.
  cat > "$conf/kubelet.yaml" << EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $node_ip
port: $kubelet_port
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $kubelet_healthz_port
tlsCertFile: $pki/kubelet-serving.crt
tlsPrivateKeyFile: $pki/kubelet-serving.key
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $pki/ca.crt
authorization:
  mode: Webhook
containerRuntimeEndpoint: unix://$sock
imageServiceEndpoint: unix://$sock
cgroupDriver: cgroupfs
cgroupRoot: /$cgroup_root
failCgroupV1: false
oomScoreAdj: 0
failSwapOn: false
clusterDomain: cluster.local
clusterDNS:
- $dns_ip
resolvConf: /etc/resolv.conf
podLogsDir: $dir/pod-logs
serializeImagePulls: false
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
maxPods: 110
EOF
  # conntrack settings 0: leave the machine's sysctls as they are. NodePorts only on the bridge.
  cat > "$conf/kube-proxy.yaml" << EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: $kcfg/kube-proxy.kubeconfig
hostnameOverride: $node_name
mode: iptables
clusterCIDR: $pod_cidr
bindAddress: $node_ip
healthzBindAddress: 127.0.0.1:$proxy_healthz_port
metricsBindAddress: 127.0.0.1:$proxy_metrics_port
nodePortAddresses:
- $node_ip/32
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  localhostNodePorts: false
  masqueradeAll: false
EOF
  # forward: names outside the cluster resolve as they do on the host.
  cat > "$conf/Corefile" << EOF
.:53 {
    bind $node_ip
    errors
    health 127.0.0.1:$dns_health_port
    ready 127.0.0.1:$dns_ready_port
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $kcfg/coredns.kubeconfig
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    forward . /etc/resolv.conf
    cache 30
}
EOF
  cat > "$conf/cluster-addons.yaml" << EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: recommender-node:coredns
rules:
- apiGroups: [""]
  resources: [endpoints, services, pods, namespaces]
  verbs: [list, watch]
- apiGroups: [discovery.k8s.io]
  resources: [endpointslices]
  verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: recommender-node:coredns
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: recommender-node:coredns
subjects:
- apiGroup: rbac.authorization.k8s.io
  kind: User
  name: recommender-node:coredns
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kubernetes-host
  namespace: default
  labels:
    kubernetes.io/service-name: kubernetes
    endpointslice.kubernetes.io/managed-by: recommender-node
addressType: IPv4
endpoints:
- addresses: [$node_ip]
ports:
- name: https
  port: $api_port
  protocol: TCP
---
# CoreDNS runs on the host, on the bridge address; the Service gives it the usual cluster address.
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
spec:
  clusterIP: $dns_ip
  ports:
  - name: dns
    port: 53
    protocol: UDP
  - name: dns-tcp
    port: 53
    protocol: TCP
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-host
  namespace: kube-system
  labels:
    kubernetes.io/service-name: kube-dns
    endpointslice.kubernetes.io/managed-by: recommender-node
addressType: IPv4
endpoints:
- addresses: [$node_ip]
ports:
- name: dns
  port: 53
  protocol: UDP
- name: dns-tcp
  port: 53
  protocol: TCP
EOF
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

bin_dir() {
  if [[ -n "${K8S_BIN:-}" ]]; then
    echo "$K8S_BIN"
  else
    "$here/../cluster/build-binaries.sh" "${k8s_binaries[@]}" > "$logs/build.log" 2>&1 || {
      tail -n 30 "$logs/build.log" >&2
      log "build-binaries.sh failed (full log: $logs/build.log)"
      return 1
    }
    tail -n 1 "$logs/build.log"
  fi
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

kubectl_admin() { "$bin/kubectl" --kubeconfig "$admin_kubeconfig" "$@"; }

api_ready() {
  curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://$node_ip:$api_port/readyz"
}

healthz() { curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz"; }

node_ready() {
  [[ "$(kubectl_admin get node "$node_name" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}')" == True ]]
}

dns_answers() {
  [[ "$(dig +short +time=1 +tries=1 "@$dns_ip" kubernetes.default.svc.cluster.local A)" == "$service_ip" ]]
}

all_running() {
  local c
  for c in "${components[@]}"; do running "$c" || return 1; done
}

up() {
  mkdir -p "$logs" "$kcfg" "$run"
  chmod 700 "$dir"
  local began=$SECONDS
  if all_running; then
    source "$run/ports.env"
    bin="${K8S_BIN:-$(dirname "$(readlink -f "/proc/$(pid_of kube-apiserver)/exe")")}"
    if api_ready > /dev/null 2>&1 && node_ready > /dev/null 2>&1; then
      log "already running (https://$node_ip:$api_port)"
      echo "$admin_kubeconfig"
      return
    fi
  fi
  "$here/install-deps.sh"
  bin="$(bin_dir)"
  # Whatever is left of an earlier run that died half way goes before a fresh start.
  teardown
  local c
  for c in "${components[@]}"; do
    [[ -x "$(binary_of "$c")" ]] || { log "missing $(binary_of "$c")"; exit 1; }
  done
  make_pki
  choose_ports
  for c in admin controller-manager scheduler kubelet kube-proxy coredns; do
    write_kubeconfig "$kcfg/$c.kubeconfig" "$c"
  done
  write_configs
  setup_network || fail network "cannot set up the bridge $bridge"
  make_cgroups

  start containerd --config "$conf/containerd.toml"
  wait_for containerd "its socket $sock" ctr --address "$sock" version
  ensure_pause_image || fail containerd "importing the pause image (see $logs/pause-import.log)"

  # No fsync: a test cluster's data is disposable, and fsync dominates etcd's latency on shared disks.
  start etcd --name=node --data-dir="$dir/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster="node=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync=true
  wait_for etcd "health on 127.0.0.1:$etcd_port" curl -fsS --max-time 2 "http://127.0.0.1:$etcd_port/health"

  # On the bridge address: pods reach it there, as the "kubernetes" Service's endpoint. That endpoint
  # is ours (cluster-addons.yaml): the API server's own reconciler, on shutdown, waits 20 s for a
  # request to itself that it no longer serves.
  start kube-apiserver --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address="$node_ip" --advertise-address="$node_ip" --secure-port="$api_port" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --kubelet-client-certificate="$pki/apiserver-kubelet-client.crt" --kubelet-client-key="$pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$pki/ca.crt" --kubelet-preferred-address-types=InternalIP \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --requestheader-client-ca-file="$pki/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$pki/front-proxy-client.crt" --proxy-client-key-file="$pki/front-proxy-client.key" \
    --service-cluster-ip-range="$service_cidr" --authorization-mode=Node,RBAC --enable-admission-plugins=NodeRestriction \
    --allow-privileged=true --profiling=false --cert-dir="$dir/apiserver" --endpoint-reconciler-type=none
  wait_for kube-apiserver "/readyz on $node_ip:$api_port" api_ready

  # No leader election: one of each, and a lease left by a stopped run would hold the next start back.
  start kube-controller-manager --kubeconfig="$kcfg/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$kcfg/controller-manager.kubeconfig" --authorization-kubeconfig="$kcfg/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --leader-elect=false --profiling=false \
    --use-service-account-credentials=true --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --service-cluster-ip-range="$service_cidr" --allocate-node-cidrs=false --kube-api-qps=100 --kube-api-burst=200
  start kube-scheduler --kubeconfig="$kcfg/scheduler.kubeconfig" \
    --authentication-kubeconfig="$kcfg/scheduler.kubeconfig" --authorization-kubeconfig="$kcfg/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$scheduler_port" --leader-elect=false --profiling=false
  start kubelet --config="$conf/kubelet.yaml" --kubeconfig="$kcfg/kubelet.kubeconfig" --root-dir="$dir/kubelet" \
    --hostname-override="$node_name" --node-ip="$node_ip"
  start kube-proxy --config="$conf/kube-proxy.yaml"
  kubectl_admin apply -f "$conf/cluster-addons.yaml" > "$logs/cluster-addons.log" 2>&1 \
    || fail kube-apiserver "creating the API server's endpoint and the DNS service: $(cat "$logs/cluster-addons.log")"
  start coredns -conf "$conf/Corefile"

  wait_for kube-controller-manager "/healthz on 127.0.0.1:$kcm_port" healthz "$kcm_port"
  wait_for kube-scheduler "/healthz on 127.0.0.1:$scheduler_port" healthz "$scheduler_port"
  wait_for kubelet "node $node_name Ready" node_ready
  wait_for kube-proxy "/healthz on 127.0.0.1:$proxy_healthz_port" curl -fsS --max-time 2 "http://127.0.0.1:$proxy_healthz_port/healthz"
  wait_for coredns "/ready on 127.0.0.1:$dns_ready_port" curl -fsS --max-time 2 "http://127.0.0.1:$dns_ready_port/ready"
  wait_for coredns "an answer for kubernetes.default.svc.cluster.local at $dns_ip" dns_answers
  # Pods are refused until their namespace's "default" ServiceAccount exists.
  wait_for kube-controller-manager "the default ServiceAccount" kubectl_admin get serviceaccount default --namespace default

  log "up in $((SECONDS - began)) s: https://$node_ip:$api_port, node $node_name, logs in $logs"
  echo "$admin_kubeconfig"
}

status() {
  local c pid rc=0
  for c in "${components[@]}"; do
    if pid="$(pid_of "$c")"; then
      printf '%-24s running (pid %s)\n' "$c" "$pid"
    else
      printf '%-24s stopped\n' "$c"
      rc=3
    fi
  done
  if ((rc == 0)); then
    source "$run/ports.env"
    echo "api server: https://$node_ip:$api_port"
    echo "kubeconfig: $admin_kubeconfig"
    echo "pods: $pod_cidr on $bridge, services: $service_cidr, DNS: $dns_ip"
    bin="${K8S_BIN:-$(dirname "$(readlink -f "/proc/$(pid_of kube-apiserver)/exe")")}"
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

# Serialises up and down: parallel test runs may both call up.
lock() {
  mkdir -p "$run"
  exec 8> "$run/up-down.lock"
  flock 8
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
    kubeconfig)
      all_running || { log "not running (start it with: $0 up)"; exit 1; }
      echo "$admin_kubeconfig"
      ;;
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
