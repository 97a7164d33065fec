#!/usr/bin/env bash
# Builds the binaries of a local Kubernetes control plane from Go modules (no binary
# downloads work here) into a cache, skipping what is already built for the same inputs.
#
#   build-binaries.sh            kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok helm
#   build-binaries.sh NAME...    only these; kubelet, kube-proxy and coredns (the real node's,
#                                see ../node/) may be named too
#
# Output: ${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}/k8s/<version>/bin/
# plus the layout io.fabric8:kube-api-test reads in offline mode under .../kube-api-test/.
# Prints the bin directory on its last line.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${RECOMMENDER_CACHE:-$HOME/.cache/recommender-operator}"

k8s_version="$(awk '$1 == "require" && $2 == "k8s.io/kubernetes" {print $3}' "$here/k8s-build/go.mod")"
[[ "$k8s_version" =~ ^v([0-9]+)\.([0-9]+)\.([0-9]+)$ ]] || {
  echo "cannot read the k8s.io/kubernetes version from $here/k8s-build/go.mod" >&2
  exit 1
}
k8s_major="${BASH_REMATCH[1]}"
k8s_minor="${BASH_REMATCH[2]}"
bin="$cache/k8s/$k8s_version/bin"
mkdir -p "$bin"

k8s_commands=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
default_targets=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok helm)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${default_targets[@]}")

# One build at a time per cache: parallel test runs would otherwise race on the same files.
exec 9>"$bin/.build.lock"
flock 9

module_of() {
  case "$1" in
    etcd) echo "$here/etcd-build" ;;
    kwok) echo "$here/kwok-build" ;;
    coredns) echo "$here/coredns-build" ;;
    helm) echo "$here/helm-build" ;;
    *)
      local c
      for c in "${k8s_commands[@]}"; do
        [[ "$c" == "$1" ]] && { echo "$here/k8s-build"; return; }
      done
      echo "unknown binary: $1" >&2
      return 1
      ;;
  esac
}

package_of() {
  case "$1" in
    etcd) echo "go.etcd.io/etcd/server/v3" ;;
    kwok) echo "sigs.k8s.io/kwok/cmd/kwok" ;;
    coredns) echo "github.com/coredns/coredns" ;;
    helm) echo "helm.sh/helm/v4/cmd/helm" ;;
    *) echo "k8s.io/kubernetes/cmd/$1" ;;
  esac
}

# The values hack/lib/version.sh stamps into release builds, so that /version and
# `kubectl version` report the real version; buildDate is the tag's time, which keeps the
# binary reproducible.
k8s_ldflags() {
  local date
  date="$(cd "$here/k8s-build" && go list -m -f '{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}' k8s.io/kubernetes)"
  local flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=$k8s_major -X $pkg.gitMinor=$k8s_minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$date"
  done
  echo "$flags"
}

# As upstream (hack/lib/golang.sh, KUBE_STATIC_BINARIES): everything static but the kubelet.
cgo_of() {
  [[ "$1" == kubelet ]] && echo 1 || echo 0
}

ldflags_of() {
  case "$1" in
    etcd | kwok | coredns) echo "-s -w" ;;
    # `helm version` reports the module's version, as a release build does.
    helm) echo "-s -w -X helm.sh/helm/v4/internal/version.version=$(awk '$1 == "require" && $2 == "helm.sh/helm/v4" {print $3}' "$here/helm-build/go.mod")" ;;
    *) k8s_ldflags ;;
  esac
}

# Everything that changes the output: the module files, the Go release and the flags.
key_of() {
  local module="$1" ldflags="$2" cgo="$3"
  { cat "$module/go.mod" "$module/go.sum"; go version; echo "$ldflags CGO_ENABLED=$cgo"; } \
    | sha256sum | cut -c1-16
}

times_file="$bin/build-times.tsv"
touch "$times_file"

for name in "${targets[@]}"; do
  module="$(module_of "$name")"
  ldflags="$(ldflags_of "$name")"
  cgo="$(cgo_of "$name")"
  key="$(key_of "$module" "$ldflags" "$cgo")"
  if [[ -x "$bin/$name" && "$(cat "$bin/.$name.key" 2>/dev/null)" == "$key" ]]; then
    first="$(awk -F'\t' -v n="$name" -v k="$key" '$1 == n && $2 == k {print $3 " s on " $4}' "$times_file" | tail -1)"
    echo "$name: cached (key $key${first:+, built in $first})"
    continue
  fi
  echo "$name: building $(package_of "$name") (key $key) ..."
  start=$SECONDS
  (cd "$module" && CGO_ENABLED="$cgo" go build -trimpath -ldflags "$ldflags" -o "$bin/.$name.tmp" "$(package_of "$name")")
  mv -f "$bin/.$name.tmp" "$bin/$name"
  echo "$key" > "$bin/.$name.key"
  took=$((SECONDS - start))
  printf '%s\t%s\t%s\t%s\n' "$name" "$key" "$took" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$times_file"
  echo "$name: built in $took s"
done

# io.fabric8:kube-api-test looks for <dir>/k8s/<numeric version>-<os>-<arch>/{kube-apiserver,etcd,kubectl}.
api_test_dir="$cache/kube-api-test/k8s/${k8s_version#v}-$(go env GOOS)-$(go env GOARCH)"
# Only a complete set: kube-api-test picks the newest version directory it finds.
if [[ -x "$bin/kube-apiserver" && -x "$bin/etcd" && -x "$bin/kubectl" ]]; then
  mkdir -p "$api_test_dir"
  for name in kube-apiserver etcd kubectl; do
    ln -sfn "$bin/$name" "$api_test_dir/$name"
  done
fi

echo "$bin"
