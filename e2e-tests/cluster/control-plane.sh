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
# What it shares with ../node/node.sh (processes, ports, lock, PKI, kubeconfigs) is in ../lib/cluster.sh.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/cluster.sh
source "$here/../lib/cluster.sh"
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
dir="${CLUSTER_DIR:-$cache/control-plane}"
pki="$dir/pki"
kcfg="$dir/kubeconfig"
run="$dir/run"
logs="$dir/logs"
admin_kubeconfig="$kcfg/admin.kubeconfig"
log_prefix="control-plane"
api_host="127.0.0.1"
cluster_name="local"
api_port_env="CLUSTER_API_PORT"

# Inside 198.18.0.0/15 (reserved for benchmarking), never routed anywhere: kwok pods do not run.
service_cidr="198.18.0.0/16"
service_ip="198.18.0.1"
cluster_cidr="198.19.0.0/16"

components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
ready_timeout="${CLUSTER_READY_TIMEOUT:-120}"

# Clients first, together; then the API server, so it can finish writing to etcd; etcd last.
stop_all() {
  stop kwok kube-scheduler kube-controller-manager
  stop kube-apiserver
  stop etcd
}

# What fail does before its exit 1.
abort_start() {
  stop_all
  log "stopped everything this run started"
}

pki_files=(ca apiserver admin controller-manager scheduler kwok front-proxy-ca front-proxy-client)

# The certificates signed by the CA (make_pki).
make_certs() {
  sign ca apiserver "/CN=kube-apiserver" "$server_ext
subjectAltName=IP:127.0.0.1,IP:$service_ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  sign ca admin "/O=system:masters/CN=kubernetes-admin" "$client_ext"
  sign ca controller-manager "/CN=system:kube-controller-manager" "$client_ext"
  sign ca scheduler "/CN=system:kube-scheduler" "$client_ext"
  # kwok stands in for the kubelets of every fake node under one identity, which the Node
  # authorizer (one identity per node) would refuse.
  sign ca kwok "/O=system:masters/CN=kwok" "$client_ext"
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
  make_pki recommender-local-ca recommender-local-front-proxy-ca
  choose_ports etcd_port etcd_peer_port api_port kcm_port scheduler_port kwok_port
  write_kubeconfig "$admin_kubeconfig" admin
  write_kubeconfig "$kcfg/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$kcfg/scheduler.kubeconfig" scheduler
  write_kubeconfig "$kcfg/kwok.kubeconfig" kwok

  start_etcd local
  start_apiserver
  # Client rate limits off (kwokctl's own "disable QPS limits" values) and more workers per controller: with
  # 100 and 50 requests/s and 5 workers, the controller-manager and the scheduler, not the
  # API server or the operator, set the pace of many Recommenders at once (docs/benchmarks.md, issue #5).
  start_controller_manager --allocate-node-cidrs=true --cluster-cidr="$cluster_cidr" --node-cidr-mask-size=24 \
    --kube-api-qps=5000 --kube-api-burst=10000 \
    --concurrent-deployment-syncs=20 --concurrent-replicaset-syncs=20 --concurrent-job-syncs=20 \
    --concurrent-service-endpoint-syncs=20 --concurrent-endpoint-syncs=20
  start_scheduler --kube-api-qps=5000 --kube-api-burst=10000
  # --config: without it kwok also reads ~/.kwok/kwok.yaml, which belongs to whoever runs it.
  printf 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n' > "$dir/kwok.yaml"
  # Node leases: without them the node-lifecycle controller takes the nodes for dead after its grace period
  # and marks every pod NotReady about a minute after it started.
  start kwok --config="$dir/kwok.yaml" --kubeconfig="$kcfg/kwok.kubeconfig" --manage-all-nodes=true \
    --server-address="127.0.0.1:$kwok_port" --cidr=198.19.255.0/24 --node-ip=198.18.255.1 \
    --node-lease-duration-seconds=40

  nodes_manifest > "$dir/nodes.yaml"
  kubectl_admin apply -f "$dir/nodes.yaml" > "$logs/nodes.log" 2>&1 || fail kube-apiserver "creating the nodes: $(cat "$logs/nodes.log")"
  wait_for_controllers
  wait_for kwok "Ready nodes" nodes_ready
  wait_for_default_service_account

  log "up in $((SECONDS - began)) s: https://127.0.0.1:$api_port, logs in $logs"
  echo "$admin_kubeconfig"
}

status() {
  local rc=0
  [[ -f "$run/ports.env" ]] && source "$run/ports.env"
  component_status || rc=3
  if ((rc == 0)); then
    echo "api server: https://127.0.0.1:$api_port"
    echo "kubeconfig: $admin_kubeconfig"
    bin="$(running_bin)"
    kubectl_admin get nodes -o wide || rc=3
  fi
  return "$rc"
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
    kubeconfig) print_kubeconfig ;;
    *)
      echo "usage: $0 up|down|status|kubeconfig" >&2
      exit 2
      ;;
  esac
}

# One line, so that bash has read all of it before running: an edit of this file while a
# call waits on the lock then cannot change what that call runs.
main "$@"; exit
