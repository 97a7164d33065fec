#!/usr/bin/env bash
# Pushes an OCI-layout image tarball (what Jib's buildTar writes with format OCI) to a registry over plain http,
# with the registry API and curl (no push tool exists here). Blobs the registry already holds are not sent
# again. Prints the pushed image by digest: REGISTRY/REPO@sha256:...
#
# Usage: push-image.sh IMAGE.tar REGISTRY/REPO:TAG      e.g. push-image.sh runtime-image.tar 198.19.200.1:5000/recommender-runtime:1
set -euo pipefail

tarball="$1"
ref="$2"
registry="${ref%%/*}"
rest="${ref#*/}"
repo="${rest%:*}"
tag="${rest##*:}"
[[ -f "$tarball" && "$registry" != "$ref" && "$repo" != "$rest" ]] \
  || { echo "usage: push-image.sh IMAGE.tar REGISTRY/REPO:TAG" >&2; exit 2; }
api="http://$registry/v2/$repo"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xf "$tarball" -C "$work" index.json
manifest_digest="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' "$work/index.json")"
blob_path() { echo "blobs/${1/://}"; }
tar -xf "$tarball" -C "$work" "$(blob_path "$manifest_digest")"
manifest="$work/$(blob_path "$manifest_digest")"
media_type="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("mediaType", "application/vnd.oci.image.manifest.v1+json"))' "$manifest")"

push_blob() {
  local digest="$1" location
  if curl -fsS -o /dev/null -I "$api/blobs/$digest" 2>/dev/null; then
    return
  fi
  tar -xf "$tarball" -C "$work" "$(blob_path "$digest")"
  location="$(curl -fsS -X POST -D - -o /dev/null "$api/blobs/uploads/" | tr -d '\r' \
    | awk 'tolower($1) == "location:" {print $2}')"
  [[ "$location" == http* ]] || location="http://$registry$location"
  curl -fsS -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$work/$(blob_path "$digest")" \
    "$location$([[ "$location" == *\?* ]] && echo '&' || echo '?')digest=$digest" > /dev/null
  rm -f "$work/$(blob_path "$digest")"
}
while read -r digest; do
  push_blob "$digest"
done < <(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); [print(d["digest"]) for d in [m["config"]] + m["layers"]]' "$manifest")
pushed="$(curl -fsS -X PUT -D - -o /dev/null -H "Content-Type: $media_type" --data-binary "@$manifest" \
  "$api/manifests/$tag" | tr -d '\r' | awk 'tolower($1) == "docker-content-digest:" {print $2}')"
[[ "$pushed" == "$manifest_digest" ]] \
  || { echo "push-image: the registry stored $ref as ${pushed:-nothing}, not $manifest_digest" >&2; exit 1; }
echo "$registry/$repo@$manifest_digest"
