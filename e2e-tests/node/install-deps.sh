#!/usr/bin/env bash
# Installs the Debian packages the real node needs (node.sh up calls it; scripts/setup.sh may too).
# Idempotent: apt runs only when a package is missing. Nothing is started: Debian's containerd
# package would start a system containerd under systemd, which this machine does not run, and
# node.sh starts its own with its own socket and state anyway.
set -euo pipefail

packages=(
  containerd                   # the container runtime the kubelet talks CRI to (1.6, CRI v1)
  runc                         # containerd's OCI runtime
  containernetworking-plugins  # bridge, host-local, loopback, portmap in /usr/lib/cni
  conntrack                    # kube-proxy clears stale UDP conntrack entries with it
  socat                        # kubectl port-forward through the kubelet
  iptables                     # kube-proxy's iptables mode and the node's own NAT rules
  iproute2                     # ip: the bridge and the cleanup of network namespaces
  dnsutils                     # dig: the smoke test asks CoreDNS directly
)

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "node deps: apt-get install ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
fi
