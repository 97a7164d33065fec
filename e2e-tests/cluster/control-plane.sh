#!/usr/bin/env bash
# A local Kubernetes control plane on loopback: etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler and kwok (fake nodes whose pods become Running/Ready, and Job pods Succeed).
#
#   control-plane.sh up           start (idempotent), wait until ready, print the kubeconfig path
#   control-plane.sh down         stop every process it started
#   control-plane.sh status       state of each component and the nodes; exit 3 when not running
#   control-plane.sh kubeconfig   print the admin kubeconfig path; exit 1 when not running
#
# Everything lives in $CLUSTER_DIR (default ${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}/control-plane):
# pki/, kubeconfig/, etcd data, run/ (pid files, ports), logs/. Binaries come from
# build-binaries.sh, or from $K8S_BIN when set. $CLUSTER_API_PORT fixes the API server port.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
dir="${CLUSTER_DIR:-$cache/control-plane}"
pki="$dir/pki"
kcfg="$dir/kubeconfig"
run="$dir/run"
logs="$dir/logs"
admin_kubeconfig="$kcfg/admin.kubeconfig"

# Inside 198.18.0.0/15 (reserved for benchmarking), never routed anywhere: kwok pods do not run.
service_cidr="198.18.0.0/16"
service_ip="198.18.0.1"
cluster_cidr="198.19.0.0/16"

components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
ready_timeout="${CLUSTER_READY_TIMEOUT:-120}"

log() { echo "control-plane: $*" >&2; }

bin_dir() {
  if [[ -n "${K8S_BIN:-}" ]]; then
    echo "$K8S_BIN"
  else
    "$here/build-binaries.sh" > "$logs/build.log" 2>&1 || {
      tail -n 30 "$logs/build.log" >&2
      log "build-binaries.sh failed (full log: $logs/build.log)"
      return 1
    }
    tail -n 1 "$logs/build.log"
  fi
}

pid_of() {
  local pid
  pid="$(cat "$run/$1.pid" 2>/dev/null)" || return 1
  # The pid must still be the process this script started: pids are reused.
  [[ -n "$pid" && "$({ tr '\0' '\n' < "/proc/$pid/cmdline"; } 2> /dev/null | head -n 1)" == */"$1" ]] || return 1
  echo "$pid"
}

running() { pid_of "$1" > /dev/null; }

# stop NAME...: SIGTERM to each, then SIGKILL to any still running after 10 s.
stop() {
  local name pid i left
  for name in "$@"; do
    if pid="$(pid_of "$name")"; then
      kill -TERM "$pid" 2> /dev/null || true
    fi
  done
  for ((i = 0; i < 100; i++)); do
    left=0
    for name in "$@"; do
      running "$name" && left=$((left + 1))
    done
    ((left > 0)) || break
    sleep 0.1
  done
  for name in "$@"; do
    if pid="$(pid_of "$name")"; then
      log "$name (pid $pid) ignored SIGTERM for 10 s; killing it"
      kill -KILL "$pid" 2> /dev/null || true
    fi
    rm -f "$run/$name.pid"
  done
}

# Clients first, together; then the API server, so it can finish writing to etcd; etcd last.
stop_all() {
  stop kwok kube-scheduler kube-controller-manager
  stop kube-apiserver
  stop etcd
}

fail() {
  local name="$1" why="$2"
  log "$name failed to start: $why"
  if [[ -f "$logs/$name.log" ]]; then
    echo "----- last lines of $logs/$name.log -----" >&2
    tail -n 40 "$logs/$name.log" >&2
    echo "-----" >&2
  fi
  stop_all
  log "stopped everything this run started"
  exit 1
}

start() {
  local name="$1"
  shift
  # A session of its own, so that a Ctrl-C or the end of the calling shell does not reach it.
  # 8>&-: the component must not inherit the lock, or it would hold it for its lifetime.
  (cd "$dir" && exec setsid "$bin/$name" "$@" > "$logs/$name.log" 2>&1 < /dev/null 8>&-) &
  local pid=$! i
  echo "$pid" > "$run/$name.pid"
  # Until the subshell has exec'd the binary, its command line is still bash's.
  for ((i = 0; i < 50; i++)); do
    if running "$name" || ! kill -0 "$pid" 2>/dev/null; then return; fi
    sleep 0.1
  done
}

# wait_for NAME WHAT CHECK...: polls CHECK until it succeeds; fails the start when any
# component started so far has exited, or NAME's time runs out.
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

# Keeps the ports of the last run while they are free: the kubeconfig then stays valid
# across down/up, and etcd's stored peer URL keeps matching.
choose_ports() {
  local name var chosen=()
  [[ -f "$run/ports.env" ]] && source "$run/ports.env"
  [[ -n "${CLUSTER_API_PORT:-}" ]] && api_port="$CLUSTER_API_PORT"
  for name in etcd_port etcd_peer_port api_port kcm_port scheduler_port kwok_port; do
    var="${!name:-}"
    if [[ -z "$var" ]] || ! port_free "$var"; then
      if [[ "$name" == api_port && -n "${CLUSTER_API_PORT:-}" ]]; then
        log "CLUSTER_API_PORT=$CLUSTER_API_PORT is in use"
        exit 1
      fi
      var="$(pick_port "${chosen[@]}")"
    fi
    printf -v "$name" '%s' "$var"
    chosen+=("$var")
  done
  cat > "$run/ports.env" <<EOF
etcd_port=$etcd_port
etcd_peer_port=$etcd_peer_port
api_port=$api_port
kcm_port=$kcm_port
scheduler_port=$scheduler_port
kwok_port=$kwok_port
EOF
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

pki_files=(ca apiserver admin controller-manager scheduler kwok front-proxy-ca front-proxy-client)

make_pki() {
  local f complete=true
  for f in "${pki_files[@]}"; do
    [[ -f "$pki/$f.crt" ]] || complete=false
  done
  [[ -f "$pki/sa.pub" && "$complete" == true ]] && return
  rm -rf "$pki"
  mkdir -p "$pki"
  chmod 700 "$pki"
  new_ca ca recommender-local-ca
  local client="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  sign ca apiserver "/CN=kube-apiserver" "basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:$service_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign ca admin "/O=system:masters/CN=kubernetes-admin" "$client"
  sign ca controller-manager "/CN=system:kube-controller-manager" "$client"
  sign ca scheduler "/CN=system:kube-scheduler" "$client"
  # kwok stands in for the kubelets of every fake node under one identity, which the Node
  # authorizer (one identity per node) would refuse.
  sign ca kwok "/O=system:masters/CN=kwok" "$client"
  # The front-proxy pair kubeadm makes: without it every component that delegates
  # authentication logs an error about the missing request-header CA, and aggregated API
  # servers (metrics-server) cannot trust the API server's proxied requests.
  new_ca front-proxy-ca recommender-local-front-proxy-ca
  sign front-proxy-ca front-proxy-client "/CN=front-proxy-client" "$client"
  new_key sa
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
}

write_kubeconfig() {
  local file="$1" user="$2"
  cat > "$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:$api_port
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$pki/$user.crt")
    client-key-data: $(base64 -w0 < "$pki/$user.key")
contexts:
- name: local
  context:
    cluster: local
    user: $user
current-context: local
EOF
  chmod 600 "$file"
}

# node NAME IP NODEGROUP INSTANCE_TYPE CPU MEMORY GPUS: a fake node shaped like an EKS managed node group's.
node() {
  local name="$1" ip="$2" group="$3" type="$4" cpu="$5" memory="$6" gpus="$7" gpu_labels="" taints="" gpu_resources=""
  if ((gpus > 0)); then
    gpu_labels="
    nvidia.com/gpu.present: \"true\"
    k8s.amazonaws.com/accelerator: nvidia-a10g"
    taints="
  taints:
  - key: nvidia.com/gpu
    value: \"true\"
    effect: NoSchedule"
    gpu_resources="
    nvidia.com/gpu: \"$gpus\""
  fi
  local resources="
    cpu: \"$cpu\"
    memory: $memory
    pods: \"110\"$gpu_resources"
  cat <<EOF
---
apiVersion: v1
kind: Node
metadata:
  name: $name
  annotations:
    kwok.x-k8s.io/node: fake
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $name
    node.kubernetes.io/instance-type: $type
    eks.amazonaws.com/nodegroup: $group
    eks.amazonaws.com/capacityType: ON_DEMAND$gpu_labels
spec:${taints:- {\}}
status:
  addresses:
  - type: InternalIP
    address: $ip
  - type: Hostname
    address: $name
  capacity:$resources
  allocatable:$resources
EOF
}

nodes_manifest() {
  node cpu-node-1 198.18.255.11 cpu m5.xlarge 4 16Gi 0
  node cpu-node-2 198.18.255.12 cpu m5.xlarge 4 16Gi 0
  node gpu-node-1 198.18.255.21 gpu g5.xlarge 4 16Gi 1
}

kubectl_admin() { "$bin/kubectl" --kubeconfig "$admin_kubeconfig" "$@"; }

all_running() {
  local c
  for c in "${components[@]}"; do running "$c" || return 1; done
}

api_ready() {
  curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://127.0.0.1:$api_port/readyz" > /dev/null 2>&1
}

healthz() { curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz"; }

nodes_ready() {
  local want ready
  want="$(nodes_manifest | grep -c '^kind: Node')"
  ready="$(kubectl_admin get nodes -o jsonpath='{range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}' | grep -c '^True$')"
  ((ready >= want))
}

up() {
  mkdir -p "$logs" "$kcfg"
  chmod 700 "$dir"
  local began=$SECONDS
  if all_running; then
    source "$run/ports.env"
    if api_ready; then
      log "already running (https://127.0.0.1:$api_port)"
      echo "$admin_kubeconfig"
      return
    fi
  fi
  # Whatever is left of an earlier run that died half way is stopped before a fresh start.
  stop_all
  bin="$(bin_dir)"
  local c
  for c in "${components[@]}"; do
    [[ -x "$bin/$c" ]] || { log "missing $bin/$c (run build-binaries.sh)"; exit 1; }
  done
  make_pki
  choose_ports
  write_kubeconfig "$admin_kubeconfig" admin
  write_kubeconfig "$kcfg/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$kcfg/scheduler.kubeconfig" scheduler
  write_kubeconfig "$kcfg/kwok.kubeconfig" kwok

  # No fsync: a test cluster's data is disposable, and fsync dominates etcd's latency on shared disks.
  start etcd --name=local --data-dir="$dir/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster="local=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync=true
  wait_for etcd "health on 127.0.0.1:$etcd_port" curl -fsS --max-time 2 "http://127.0.0.1:$etcd_port/health"

  # --endpoint-reconciler-type=none: the "kubernetes" Service's endpoint would be 127.0.0.1,
  # which Endpoints validation rejects, so the reconciler would log an error every 10 s.
  start kube-apiserver --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$api_port" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --requestheader-client-ca-file="$pki/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$pki/front-proxy-client.crt" --proxy-client-key-file="$pki/front-proxy-client.key" \
    --service-cluster-ip-range="$service_cidr" --authorization-mode=Node,RBAC --allow-privileged=true \
    --endpoint-reconciler-type=none --profiling=false --cert-dir="$dir/apiserver"
  wait_for kube-apiserver "/readyz on 127.0.0.1:$api_port" api_ready

  # No leader election: there is one of each, and a lease left by a stopped run would hold
  # the next start back for its 15 s duration.
  # Client rate limits off (kwokctl's own "disable QPS limits" values) and more workers per controller: with
  # 100 and 50 requests/s and 5 workers, the controller-manager and the scheduler, not the
  # API server or the operator, set the pace of many Recommenders at once (docs/benchmarks.md, issue #5).
  start kube-controller-manager --kubeconfig="$kcfg/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$kcfg/controller-manager.kubeconfig" --authorization-kubeconfig="$kcfg/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --leader-elect=false --profiling=false \
    --use-service-account-credentials=true --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --service-cluster-ip-range="$service_cidr" --allocate-node-cidrs=true --cluster-cidr="$cluster_cidr" --node-cidr-mask-size=24 \
    --kube-api-qps=5000 --kube-api-burst=10000 \
    --concurrent-deployment-syncs=20 --concurrent-replicaset-syncs=20 --concurrent-job-syncs=20 \
    --concurrent-service-endpoint-syncs=20 --concurrent-endpoint-syncs=20
  start kube-scheduler --kubeconfig="$kcfg/scheduler.kubeconfig" \
    --authentication-kubeconfig="$kcfg/scheduler.kubeconfig" --authorization-kubeconfig="$kcfg/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$scheduler_port" --leader-elect=false --profiling=false \
    --kube-api-qps=5000 --kube-api-burst=10000
  # --config: without it kwok also reads ~/.kwok/kwok.yaml, which belongs to whoever runs it.
  printf 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n' > "$dir/kwok.yaml"
  # Node leases: without them the node-lifecycle controller takes the nodes for dead after its grace period
  # and marks every pod NotReady about a minute after it started.
  start kwok --config="$dir/kwok.yaml" --kubeconfig="$kcfg/kwok.kubeconfig" --manage-all-nodes=true \
    --server-address="127.0.0.1:$kwok_port" --cidr=198.19.255.0/24 --node-ip=198.18.255.1 \
    --node-lease-duration-seconds=40

  nodes_manifest > "$dir/nodes.yaml"
  kubectl_admin apply -f "$dir/nodes.yaml" > "$logs/nodes.log" 2>&1 || fail kube-apiserver "creating the nodes: $(cat "$logs/nodes.log")"
  wait_for kube-controller-manager "/healthz on 127.0.0.1:$kcm_port" healthz "$kcm_port"
  wait_for kube-scheduler "/healthz on 127.0.0.1:$scheduler_port" healthz "$scheduler_port"
  wait_for kwok "Ready nodes" nodes_ready
  # Pods are refused until their namespace's "default" ServiceAccount exists; its creation
  # shows the controller-manager's token-issuing controllers work.
  wait_for kube-controller-manager "the default ServiceAccount" kubectl_admin get serviceaccount default --namespace default

  log "up in $((SECONDS - began)) s: https://127.0.0.1:$api_port, logs in $logs"
  echo "$admin_kubeconfig"
}

status() {
  local c pid rc=0
  [[ -f "$run/ports.env" ]] && source "$run/ports.env"
  for c in "${components[@]}"; do
    if pid="$(pid_of "$c")"; then
      printf '%-24s running (pid %s)\n' "$c" "$pid"
    else
      printf '%-24s stopped\n' "$c"
      rc=3
    fi
  done
  if ((rc == 0)); then
    echo "api server: https://127.0.0.1:$api_port"
    echo "kubeconfig: $admin_kubeconfig"
    bin="${K8S_BIN:-$(dirname "$(readlink -f "/proc/$(pid_of kube-apiserver)/exe")")}"
    kubectl_admin get nodes -o wide || rc=3
  fi
  return "$rc"
}

# Serialises up and down on one directory: parallel test runs may both call up.
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
      stop_all
      log "stopped"
      ;;
    status) status ;;
    kubeconfig)
      all_running || { log "not running (start it with: $0 up)"; exit 1; }
      echo "$admin_kubeconfig"
      ;;
    *)
      echo "usage: $0 up|down|status|kubeconfig" >&2
      exit 2
      ;;
  esac
}

# One line, so that bash has read all of it before running: an edit of this file while a
# call waits on the lock then cannot change what that call runs.
main "$@"; exit
