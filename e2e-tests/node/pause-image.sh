#!/usr/bin/env bash
# Builds the pod sandbox image from ./pause (a static Go binary) as a docker-save tarball that
# `ctr images import` reads, without a Docker daemon; reproducible (fixed times and owners), so
# the same sources give the same image digest.
#
#   pause-image.sh OUT.tar IMAGE_NAME
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$1"
name="$2"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root" "$work/image"
(cd "$here/pause" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/root/pause" .)
(cd "$work/root" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$work/layer.tar" pause)
diff_id="$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"
mkdir "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
# User 65535, as upstream's pause image: the sandbox process needs no privileges.
printf '%s' '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",'\
'"config":{"Entrypoint":["/pause"],"User":"65535:65535","WorkingDir":"/"},'\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$diff_id"'"]},'\
'"history":[{"created":"1970-01-01T00:00:00Z","created_by":"e2e-tests/node/pause-image.sh"}]}' > "$work/config.json"
config_id="$(sha256sum "$work/config.json" | cut -d' ' -f1)"
mv "$work/config.json" "$work/image/$config_id.json"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]' "$config_id" "$name" "$diff_id" \
  > "$work/image/manifest.json"
mkdir -p "$(dirname "$out")"
(cd "$work/image" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf "$out.tmp" .)
mv -f "$out.tmp" "$out"
