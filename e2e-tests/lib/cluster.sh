# shellcheck shell=bash disable=SC2154,SC2034  # the variables of the sourcing script, and those it uses
# What the project's two clusters (cluster/control-plane.sh: kwok's fake nodes; node/node.sh: a real node)
# do alike: components as pid-checked host processes, free ports, the up/down lock, PKI with openssl,
# kubeconfigs and logging. Sourced, never run; bash reads all of a sourced file before running any of it.
#
# The sourcing script sets, before calling anything here:
#   dir, pki, kcfg, run, logs   its state directory and the parts of it below
#   log_prefix                  the name its messages start with
#   components                  the names of its processes, each started by start and stopped by stop
#   ready_timeout               seconds each wait_for may take
#   api_host, cluster_name      the API server's address, and the cluster's name in the kubeconfigs
#   admin_kubeconfig            the admin kubeconfig's path
#   pki_files                   the certificates make_pki makes (names in $pki, without .crt)
# and defines:
#   abort_start                 stops whatever a failed start left running (fail calls it)
#   make_certs                  the certificates it signs with the CA (make_pki calls it)
# bin (the binaries' directory) is set by the script when known; binary_of may be redefined after sourcing.

e2e_lib="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=ports.sh
source "$e2e_lib/ports.sh"

log() { echo "$log_prefix: $*" >&2; }

# bin_dir [NAME...]: the directory of the Kubernetes binaries, $K8S_BIN or the build's (which builds
# those missing, NAME... too).
bin_dir() {
  if [[ -n "${K8S_BIN:-}" ]]; then
    echo "$K8S_BIN"
  else
    "$e2e_lib/../cluster/build-binaries.sh" "$@" > "$logs/build.log" 2>&1 || {
      tail -n 30 "$logs/build.log" >&2
      log "build-binaries.sh failed (full log: $logs/build.log)"
      return 1
    }
    tail -n 1 "$logs/build.log"
  fi
}

# The directory of the running API server's binary: where the binaries of a plane that is up are.
running_bin() { echo "${K8S_BIN:-$(dirname "$(readlink -f "/proc/$(pid_of kube-apiserver)/exe")")}"; }

binary_of() { echo "$bin/$1"; }

pid_of() {
  local pid
  pid="$(cat "$run/$1.pid" 2> /dev/null)" || return 1
  # The pid must still be the process this script started: pids are reused.
  [[ -n "$pid" && "$({ tr '\0' '\n' < "/proc/$pid/cmdline"; } 2> /dev/null | head -n 1)" == */"$1" ]] || return 1
  echo "$pid"
}

running() { pid_of "$1" > /dev/null; }

all_running() {
  local c
  for c in "${components[@]}"; do running "$c" || return 1; done
}

# The admin kubeconfig's path, when every component runs.
print_kubeconfig() {
  all_running || { log "not running (start it with: $0 up)"; exit 1; }
  echo "$admin_kubeconfig"
}

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

# fail NAME WHY: NAME's log tail, then abort_start, and the start ends with exit 1.
fail() {
  local name="$1" why="$2"
  log "$name failed to start: $why"
  if [[ -f "$logs/$name.log" ]]; then
    echo "----- last lines of $logs/$name.log -----" >&2
    tail -n 40 "$logs/$name.log" >&2
    echo "-----" >&2
  fi
  abort_start
  exit 1
}

# start NAME ARG...: binary_of NAME in the background, its output in $logs/NAME.log, its pid in $run.
start() {
  local name="$1"
  shift
  # A session of its own, so that a Ctrl-C or the end of the calling shell does not reach it.
  # 8>&-: the component must not inherit the lock, or it would hold it for its lifetime.
  (cd "$dir" && exec setsid "$(binary_of "$name")" "$@" > "$logs/$name.log" 2>&1 < /dev/null 8>&-) &
  local pid=$! i
  echo "$pid" > "$run/$name.pid"
  # Until the subshell has exec'd the binary, its command line is still bash's.
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

# component_status: one line per component; status 3 when any is stopped.
component_status() {
  local c pid rc=0
  for c in "${components[@]}"; do
    if pid="$(pid_of "$c")"; then
      printf '%-24s running (pid %s)\n' "$c" "$pid"
    else
      printf '%-24s stopped\n' "$c"
      rc=3
    fi
  done
  return "$rc"
}

# choose_ports NAME...: sets each variable NAME to a free port and writes them to $run/ports.env.
# Keeps the ports of the last run while they are free: the kubeconfigs then stay valid across
# down/up, and etcd's stored peer URL keeps matching. $api_port_env names a variable that, when set,
# fixes api_port (which must then be free).
choose_ports() {
  local name var pinned="" chosen=()
  [[ -n "${api_port_env:-}" ]] && pinned="${!api_port_env:-}"
  [[ -f "$run/ports.env" ]] && source "$run/ports.env"
  [[ -n "$pinned" ]] && api_port="$pinned"
  : > "$run/ports.env.tmp"
  for name in "$@"; do
    var="${!name:-}"
    if [[ -z "$var" ]] || ! port_free "$var"; then
      if [[ "$name" == api_port && -n "$pinned" ]]; then
        log "$api_port_env=$pinned is in use"
        exit 1
      fi
      var="$(pick_port "${chosen[@]}")"
    fi
    printf -v "$name" '%s' "$var"
    chosen+=("$var")
    echo "$name=$var" >> "$run/ports.env.tmp"
  done
  mv "$run/ports.env.tmp" "$run/ports.env"
}

# Serialises up and down on one directory: parallel test runs may both call up.
lock() {
  mkdir -p "$run"
  exec 8> "$run/up-down.lock"
  flock 8
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

# The extensions of client and of serving certificates (a server's adds its subjectAltName).
client_ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
server_ext="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth"

# make_pki CA_CN FRONT_PROXY_CA_CN: unless every one of $pki_files and the service-account key pair
# exist, all made afresh: the CA "ca", make_certs, the front-proxy pair, the service-account keys.
make_pki() {
  local f complete=true
  for f in "${pki_files[@]}"; do
    [[ -f "$pki/$f.crt" ]] || complete=false
  done
  [[ -f "$pki/sa.pub" && "$complete" == true ]] && return
  rm -rf "$pki"
  mkdir -p "$pki"
  chmod 700 "$pki"
  new_ca ca "$1"
  make_certs
  # The front-proxy pair kubeadm makes: without it every component that delegates
  # authentication logs an error about the missing request-header CA, and aggregated API
  # servers (metrics-server) cannot trust the API server's proxied requests.
  new_ca front-proxy-ca "$2"
  sign front-proxy-ca front-proxy-client "/CN=front-proxy-client" "$client_ext"
  new_key sa
  openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"
}

# write_kubeconfig FILE USER: USER's certificate and key (from $pki) for the API server, embedded.
write_kubeconfig() {
  local file="$1" user="$2"
  cat > "$file" << EOF
apiVersion: v1
kind: Config
clusters:
- name: $cluster_name
  cluster:
    server: https://$api_host:$api_port
    certificate-authority-data: $(base64 -w0 < "$pki/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 < "$pki/$user.crt")
    client-key-data: $(base64 -w0 < "$pki/$user.key")
contexts:
- name: $cluster_name
  context:
    cluster: $cluster_name
    user: $user
current-context: $cluster_name
EOF
  chmod 600 "$file"
}

kubectl_admin() { "$bin/kubectl" --kubeconfig "$admin_kubeconfig" "$@"; }

api_ready() {
  curl -fsS --max-time 2 --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" \
    "https://$api_host:$api_port/readyz" > /dev/null 2>&1
}

healthz() { curl -fsSk --max-time 2 "https://127.0.0.1:$1/healthz"; }

# start_etcd NAME: etcd on the loopback ports $etcd_port and $etcd_peer_port; waits for its health.
# No fsync: a test cluster's data is disposable, and fsync dominates etcd's latency on shared disks.
start_etcd() {
  start etcd --name="$1" --data-dir="$dir/etcd" \
    --listen-client-urls="http://127.0.0.1:$etcd_port" --advertise-client-urls="http://127.0.0.1:$etcd_port" \
    --listen-peer-urls="http://127.0.0.1:$etcd_peer_port" --initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
    --initial-cluster="$1=http://127.0.0.1:$etcd_peer_port" --unsafe-no-fsync=true
  wait_for etcd "health on 127.0.0.1:$etcd_port" curl -fsS --max-time 2 "http://127.0.0.1:$etcd_port/health"
}

# start_apiserver ARG...: kube-apiserver on $api_host:$api_port with what both clusters give it (etcd,
# serving and client certificates, service-account tokens, the front proxy, Node and RBAC authorization)
# and ARG...; waits for /readyz.
# --endpoint-reconciler-type=none: the control plane's endpoint would be 127.0.0.1, which Endpoints
# validation rejects; the node's reconciler, on shutdown, waits for a request to itself it no longer serves.
start_apiserver() {
  start kube-apiserver --etcd-servers="http://127.0.0.1:$etcd_port" \
    --bind-address="$api_host" --advertise-address="$api_host" --secure-port="$api_port" \
    --tls-cert-file="$pki/apiserver.crt" --tls-private-key-file="$pki/apiserver.key" --client-ca-file="$pki/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$pki/sa.pub" --service-account-signing-key-file="$pki/sa.key" \
    --requestheader-client-ca-file="$pki/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$pki/front-proxy-client.crt" --proxy-client-key-file="$pki/front-proxy-client.key" \
    --service-cluster-ip-range="$service_cidr" --authorization-mode=Node,RBAC --allow-privileged=true \
    --endpoint-reconciler-type=none --profiling=false --cert-dir="$dir/apiserver" "$@"
  wait_for kube-apiserver "/readyz on $api_host:$api_port" api_ready
}

# start_controller_manager ARG... and start_scheduler ARG...: each on a 127.0.0.1 health port ($kcm_port,
# $scheduler_port) with its own kubeconfig, and ARG.... No leader election: there is one of each, and
# a lease left by a stopped run would hold the next start back for its 15 s duration.
start_controller_manager() {
  start kube-controller-manager --kubeconfig="$kcfg/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$kcfg/controller-manager.kubeconfig" --authorization-kubeconfig="$kcfg/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$kcm_port" --leader-elect=false --profiling=false \
    --use-service-account-credentials=true --service-account-private-key-file="$pki/sa.key" --root-ca-file="$pki/ca.crt" \
    --cluster-signing-cert-file="$pki/ca.crt" --cluster-signing-key-file="$pki/ca.key" \
    --service-cluster-ip-range="$service_cidr" "$@"
}

start_scheduler() {
  start kube-scheduler --kubeconfig="$kcfg/scheduler.kubeconfig" \
    --authentication-kubeconfig="$kcfg/scheduler.kubeconfig" --authorization-kubeconfig="$kcfg/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$scheduler_port" --leader-elect=false --profiling=false "$@"
}

# Waits until the controller-manager and the scheduler are healthy.
wait_for_controllers() {
  wait_for kube-controller-manager "/healthz on 127.0.0.1:$kcm_port" healthz "$kcm_port"
  wait_for kube-scheduler "/healthz on 127.0.0.1:$scheduler_port" healthz "$scheduler_port"
}

# Pods are refused until their namespace's "default" ServiceAccount exists; its creation shows
# the controller-manager's token-issuing controllers work.
wait_for_default_service_account() {
  wait_for kube-controller-manager "the default ServiceAccount" kubectl_admin get serviceaccount default --namespace default
}
