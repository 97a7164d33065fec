#!/usr/bin/env bash
# Publishes the operator's images to one registry and writes an install overlay that pins each by digest.
#
#   scripts/publish.sh REGISTRY [--insecure] [--tfserving-standin] [--out DIR]
#
# REGISTRY       where the images go: HOST[:PORT][/PATH], e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com,
#                ghcr.io/acme, localhost:5000. Each image is REGISTRY/<name>:<project version>.
# --insecure     the registry speaks plain http or has a certificate this machine does not trust
# --tfserving-standin
#                also publish the project's TensorFlow Serving stand-in and make it the default TF Serving base
#                (for clusters that cannot pull docker.io/tensorflow/serving; it follows TF Serving's REST API)
# --out DIR      where the overlay goes (default out/install; also values.yaml for charts/recommender-operator
#                and images.env); written only once every push succeeded
#
# The images are built by Jib in the same Maven run that pushes them (the image modules' `image` profile, and the
# parent pom's `image-publish` execution): operator, recommender runtime, training job, load test. They are the
# same images as the tarballs `mvn package -Pimage` writes (same digests). Credentials are Jib's usual ones: the
# Docker config ($DOCKER_CONFIG/config.json or ~/.docker/config.json, credential helpers included, e.g.
# docker-credential-ecr-login for ECR).
#
# Then:  kubectl apply -k out/install      (the CRD, RBAC, the operator; see README.md, "Install")
#   or:  helm install recommender-operator charts/recommender-operator -n recommender-system --create-namespace \
#          -f out/install/values.yaml
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
fail() { echo "publish: $*" >&2; exit 2; }

registry="" insecure=false standin=false out=out/install
while (($#)); do
  case "$1" in
    --insecure) insecure=true ;;
    --tfserving-standin) standin=true ;;
    --out) [[ $# -ge 2 ]] || usage; out="$2"; shift ;;
    -h|--help) usage ;;
    -*) echo "publish: unknown option $1" >&2; usage ;;
    *) [[ -z "$registry" ]] || usage; registry="$1" ;;
  esac
  shift
done
[[ -n "$registry" ]] || usage

# The registry as image references name it: no scheme, no tag or digest, lower case.
[[ "$registry" != *://* ]] || fail "give the registry without a scheme: ${registry#*://} (add --insecure for plain http)"
registry="${registry%/}"
[[ "$registry" =~ ^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$ ]] \
  || fail "'$registry' is not a registry: give HOST[:PORT][/PATH] in lower case, without a tag or digest (e.g. ghcr.io/acme or localhost:5000)"
host="${registry%%/*}"

# ECR needs a login first; say so now rather than after the build.
if [[ "$host" =~ ^[0-9]{12}\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$ ]]; then
  region="${BASH_REMATCH[1]}"
  config="${DOCKER_CONFIG:-$HOME/.docker}/config.json"
  if ! command -v docker-credential-ecr-login > /dev/null \
      && ! { [[ -f "$config" ]] && python3 - "$config" "$host" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
sys.exit(0 if sys.argv[2] in c.get("auths", {}) or sys.argv[2] in c.get("credHelpers", {}) or c.get("credsStore") else 1)
PY
      }; then
    fail "no credentials for the ECR registry $host: log in first with
  aws ecr get-login-password --region $region | docker login --username AWS --password-stdin $host
(or install docker-credential-ecr-login); the repositories must exist too:
  for r in recommender-operator recommender-runtime recommender-training-job recommender-load-test; do aws ecr create-repository --region $region --repository-name \"\${r}\"; done
nothing was built or pushed"
  fi
fi

# Reachable at all? A registry answers /v2/ with 200, or 401 until logged in. Prints the status, or curl's reason.
probe() {
  local out
  out="$(curl -sS -o /dev/null -w '%{http_code}' --connect-timeout 5 --max-time 15 ${2:+-k} "$1://$host/v2/" 2>&1)" \
    || out="$(sed -n 's/^curl: ([0-9]*) //p' <<< "$out" | head -n 1)"
  echo "$out"
}
answered="$(probe https)"
if [[ "$answered" != 200 && "$answered" != 401 && "$insecure" == true ]]; then
  answered="$(probe https insecure)"
  [[ "$answered" == 200 || "$answered" == 401 ]] || answered="$(probe http)"
fi
if [[ "$answered" != 200 && "$answered" != 401 ]]; then
  fail "no registry answers at $host ($([[ "$answered" =~ ^[0-9]+$ ]] && echo "/v2/ answered HTTP $answered" \
    || echo "${answered:-no answer}"))$([[ "$insecure" == false ]] \
    && echo "; for plain http or an untrusted certificate add --insecure"); nothing was built or pushed"
fi

version="$(sed -n 's:^  <version>\(.*\)</version>.*:\1:p' pom.xml | head -n 1)"
modules=(operator runtime-image training-job load-test)
$standin && modules+=(tfserving-standin)
mkdir -p target
log=target/publish.log
rm -f "${modules[@]/%//target/published-image.digest}"
echo "publish: building and pushing ${modules[*]} to $registry (version $version; log in $log)" >&2
mvn_args=(-B -ntp -Pimage -DskipTests -pl "$(IFS=,; echo "${modules[*]}")" -am package
  -Dpublish.skip=false -Dpublish.registry="$registry" -Dpublish.insecure="$insecure")
# Jib sends no credentials over plain http unless told; --insecure is that consent.
$insecure && mvn_args+=(-DsendCredentialsOverHttp=true)
began=$SECONDS
if ! mvn "${mvn_args[@]}" > "$log" 2>&1; then
  hint=""
  if grep -q -E 'error code 405|Method not allowed' "$log"; then
    hint=" (the registry refuses uploads: read-only?)"
  elif grep -q -E 'Unauthorized|error code 40[13]|denied' "$log"; then
    hint=" (not allowed to push there: log in to $host, e.g. docker login $host, and check the repository exists)"
  fi
  echo "publish: the push to $registry failed$hint; nothing was written to $out. Maven's errors:" >&2
  grep -E '^\[ERROR\] [^ ]' "$log" | grep -v -E 'Re-run Maven|To see the full|For more information|Help 1|After correcting|resume the build' \
    | head -n 8 >&2
  exit 1
fi

declare -A ref=()
name_of() { sed -n 's:^ *<image.repository>\(.*\)</image.repository>.*:\1:p' "$1/pom.xml" | head -n 1; }
for m in "${modules[@]}"; do
  digest="$(cat "$m/target/published-image.digest" 2>/dev/null || true)"
  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "publish: $m pushed no digest (see $log)" >&2; exit 1; }
  ref[$m]="$registry/$(name_of "$m")@$digest"
  echo "publish: ${ref[$m]}" >&2
done

# The overlay: operator/deploy with every image by digest. Written aside, then moved, so that a failed run leaves
# the previous overlay (or none) rather than half of one.
parent="$(dirname "$out")"
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
base="$(python3 -c 'import os, sys; print(os.path.relpath(sys.argv[1], sys.argv[2]))' operator/deploy "$out")"
env_entry() { printf '            - name: %s\n              value: "%s"\n' "$1" "$2"; }
{
  echo "# Written by scripts/publish.sh $registry on $(date -u +%Y-%m-%dT%H:%M:%SZ): operator/deploy with the images"
  echo "# it pushed, by digest.   kubectl apply -k $out"
  echo "apiVersion: kustomize.config.k8s.io/v1beta1"
  echo "kind: Kustomization"
  echo "resources:"
  echo "- $base"
  echo "images:"
  echo "- name: ghcr.io/recommender-operator/operator"
  echo "  newName: ${ref[operator]%@*}"
  echo "  digest: ${ref[operator]#*@}"
  echo "patches:"
  echo "- patch: |-"
  echo "    apiVersion: apps/v1"
  echo "    kind: Deployment"
  echo "    metadata:"
  echo "      name: recommender-operator"
  echo "      namespace: recommender-system"
  echo "    spec:"
  echo "      template:"
  echo "        spec:"
  echo "          containers:"
  echo "          - name: operator"
  echo "            env:"
  env_entry RECOMMENDER_TRAINING_IMAGE "${ref[training-job]}"
  env_entry RECOMMENDER_LOAD_TEST_IMAGE "${ref[load-test]}"
  env_entry RECOMMENDER_RUNTIME_IMAGE "${ref[runtime-image]}"
  $standin && env_entry RECOMMENDER_TFSERVING_IMAGE "${ref[tfserving-standin]}"
} > "$tmp/kustomization.yaml"
# The same references for scripts (source it): what the overlay installs.
{
  echo "OPERATOR_IMAGE=${ref[operator]}"
  echo "TRAINING_IMAGE=${ref[training-job]}"
  echo "LOAD_TEST_IMAGE=${ref[load-test]}"
  echo "RUNTIME_IMAGE=${ref[runtime-image]}"
  $standin && echo "TFSERVING_IMAGE=${ref[tfserving-standin]}"
} > "$tmp/images.env"
# The same for the Helm chart: helm install ... -f values.yaml.
{
  echo "# Written by scripts/publish.sh $registry: the chart's images, by digest."
  echo "#   helm install recommender-operator charts/recommender-operator -n recommender-system --create-namespace -f $out/values.yaml"
  echo "image:"
  echo "  repository: ${ref[operator]%@*}"
  echo "  digest: ${ref[operator]#*@}"
  echo "defaultImages:"
  echo "  training: ${ref[training-job]}"
  echo "  loadTest: ${ref[load-test]}"
  echo "  runtime: ${ref[runtime-image]}"
  $standin && echo "  tfServing: ${ref[tfserving-standin]}"
} > "$tmp/values.yaml"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "publish: done in $((SECONDS - began)) s; install with:  kubectl apply -k $out" >&2
echo "  or:  helm install recommender-operator charts/recommender-operator -n recommender-system --create-namespace -f $out/values.yaml" >&2
