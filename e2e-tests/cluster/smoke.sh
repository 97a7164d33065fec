#!/usr/bin/env bash
# Smoke test of control-plane.sh: brings a plane up in its own directory, checks that a
# Deployment's pods become Ready, a Job completes, a GPU pod lands on the GPU node, owner
# deletion garbage-collects pods and a namespace finishes deleting, then brings it down.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"
# Its own directory, so a plane someone keeps running for local work is left alone.
export CLUSTER_DIR="${SMOKE_CLUSTER_DIR:-$cache/control-plane-smoke}"
cp="$here/control-plane.sh"
timeout=90s
began=$SECONDS

step() { echo "smoke: [$((SECONDS - began)) s] $*"; }

trap '"$cp" down' EXIT

step "up"
kubeconfig="$("$cp" up)"
up_took=$((SECONDS - began))
bin="${K8S_BIN:-$(dirname "$(readlink -f "/proc/$(cat "$CLUSTER_DIR/run/kube-apiserver.pid")/exe")")}"
k() { "$bin/kubectl" --kubeconfig "$kubeconfig" --namespace "$ns" "$@"; }

ns="smoke-$(date +%s)"
"$bin/kubectl" --kubeconfig "$kubeconfig" create namespace "$ns" > /dev/null
step "namespace $ns; $("$bin/kubectl" --kubeconfig "$kubeconfig" version | grep -v Kustomize | tr '\n' ' ')"
until k get serviceaccount default > /dev/null 2>&1; do sleep 0.2; done

# The images are never pulled: kwok only fakes the pods' lifecycle.
k apply -f - > /dev/null <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: registry.invalid/web:1
---
apiVersion: batch/v1
kind: Job
metadata:
  name: once
spec:
  template:
    metadata:
      labels: {app: once}
    spec:
      restartPolicy: Never
      containers:
      - name: once
        image: registry.invalid/once:1
---
apiVersion: v1
kind: Pod
metadata:
  name: gpu
spec:
  tolerations:
  - key: nvidia.com/gpu
    operator: Exists
    effect: NoSchedule
  containers:
  - name: gpu
    image: registry.invalid/gpu:1
    resources:
      limits:
        nvidia.com/gpu: 1
EOF
step "created Deployment web (2 replicas), Job once, Pod gpu"

k rollout status deployment/web --timeout="$timeout" > /dev/null
k wait --for=condition=Ready pod -l app=web --timeout="$timeout" > /dev/null
ready="$(k get pods -l app=web -o jsonpath='{range .items[*]}{.metadata.name} on {.spec.nodeName}: {.status.phase}{"\n"}{end}')"
[[ "$(grep -c ': Running$' <<< "$ready")" == 2 ]] || { echo "$ready"; exit 1; }
step "Deployment pods Ready:"
sed 's/^/    /' <<< "$ready"

k wait --for=condition=Complete job/once --timeout="$timeout" > /dev/null
step "Job Complete; its pod: $(k get pods -l app=once -o jsonpath='{.items[0].status.phase}')"

k wait --for=condition=Ready pod/gpu --timeout="$timeout" > /dev/null
gpu_node="$(k get pod gpu -o jsonpath='{.spec.nodeName}')"
[[ "$gpu_node" == gpu-node-1 ]] || { echo "GPU pod scheduled on $gpu_node"; exit 1; }
step "GPU pod Ready on $gpu_node"

k delete deployment web --wait=false > /dev/null
k delete job once --wait=false > /dev/null
k wait --for=delete pod -l app=web --timeout="$timeout" > /dev/null
k wait --for=delete pod -l app=once --timeout="$timeout" > /dev/null
[[ -z "$(k get replicasets,pods -l 'app in (web,once)' -o name)" ]] || { k get replicasets,pods; exit 1; }
step "owners deleted: ReplicaSet and pods garbage-collected"

"$bin/kubectl" --kubeconfig "$kubeconfig" delete namespace "$ns" --timeout="$timeout" > /dev/null
step "namespace $ns deleted"

"$cp" down 2> /dev/null
trap - EXIT
step "down"
echo "smoke: passed in $((SECONDS - began)) s (up $up_took s)"
