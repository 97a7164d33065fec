# shellcheck shell=bash
# Runs a project image as a kubelet would, without Docker, for the images' smoke tests
# (runtime-image/scripts/smoke-test-image.sh, operator/deploy/smoke-test-image.sh): unpacks the OCI
# tarball Jib wrote into a root filesystem and starts it with runc as user 65532 on a READ-ONLY root
# with a tmpfs /tmp, on the host's loopback. Sourced, never run; needs root, and installs the apt
# packages runc and jq if missing.
#
#   smoke_image_prepare ID IMAGE     tools; $work, removed with the container ID on exit; IMAGE unpacked
#   smoke_image_spec TMP_SIZE DEST SOURCE ENV...
#                                    runc's config: the image's entrypoint and environment plus ENV
#                                    (NAME=VALUE), a tmpfs /tmp of TMP_SIZE, SOURCE bound read-only at DEST
#   smoke_image_run                  starts it; its output goes to $work/container.log
#   smoke_image_check_uid            fails unless its process runs as 65532

# shellcheck source=ports.sh
source "$(dirname "${BASH_SOURCE[0]}")/ports.sh"

smoke_image_prepare() {
  smoke_id="$1"
  local image="$2" tool layer
  for tool in runc jq curl; do
    command -v "$tool" > /dev/null || { apt-get update -qq && apt-get install -y -qq "$tool" > /dev/null; }
  done
  work="$(mktemp -d)"
  trap smoke_image_cleanup EXIT
  mkdir -p "$work/oci" "$work/container/rootfs"
  # Jib's tarballs carry pax headers tar does not know; the warning about them is noise.
  tar --warning=no-unknown-keyword -xf "$image" -C "$work/oci"
  smoke_image_manifest="$(smoke_image_blob "$(jq -r '.manifests[0].digest' "$work/oci/index.json")")"
  smoke_image_config="$(smoke_image_blob "$(jq -r '.config.digest' "$smoke_image_manifest")")"
  for layer in $(jq -r '.layers[].digest' "$smoke_image_manifest"); do
    tar --warning=no-unknown-keyword -xzf "$(smoke_image_blob "$layer")" -C "$work/container/rootfs"
  done
}

smoke_image_blob() { echo "$work/oci/blobs/sha256/${1#sha256:}"; }

smoke_image_cleanup() {
  runc kill "$smoke_id" KILL 2> /dev/null || true
  sleep 1
  runc delete -f "$smoke_id" 2> /dev/null || true
  rm -rf "$work"
}

smoke_image_spec() {
  local tmp_size="$1" dest="$2" source="$3" config="$work/container/config.json"
  shift 3
  (cd "$work/container" && runc spec)
  # No network namespace: the process listens on the host's loopback, where the test reaches it.
  jq --argjson args "$(jq '.config.Entrypoint + (.config.Cmd // [])' "$smoke_image_config")" \
    --argjson env "$(jq --argjson extra "$(jq -n '$ARGS.positional' --args "$@")" '.config.Env + $extra' "$smoke_image_config")" \
    --arg tmp "size=$tmp_size" --arg dest "$dest" --arg source "$source" '
    .root.readonly = true
    | .process.terminal = false
    | .process.user = {uid: 65532, gid: 65532}
    | .process.args = $args
    | .process.env = $env
    | .process.cwd = "/"
    | .linux.namespaces |= map(select(.type != "network"))
    | .mounts += [
        {destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777", $tmp]},
        {destination: $dest, type: "bind", source: $source, options: ["rbind", "ro"]}]
  ' "$config" > "$work/config.json"
  mv "$work/config.json" "$config"
  echo "smoke-test: user $(jq -c .process.user "$config"), read-only root $(jq .root.readonly "$config")"
  echo "smoke-test: entrypoint $(jq -c .process.args "$config")"
}

smoke_image_run() { runc run -d --bundle "$work/container" "$smoke_id" > "$work/container.log" 2>&1; }

smoke_image_check_uid() {
  local uid
  uid="$(awk '/^Uid:/ {print $2}' "/proc/$(runc state "$smoke_id" | jq .pid)/status")"
  echo "smoke-test: the JVM runs as uid $uid"
  [ "$uid" = 65532 ] || { echo "smoke-test: FAILED, not the non-root user" >&2; exit 1; }
}
