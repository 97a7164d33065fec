#!/usr/bin/env bash
# The CUDA and cuDNN runtime libraries of the GPU training image, without a Docker daemon or NVIDIA's apt
# repository: NVIDIA's runtime wheels from PyPI (training-job/gpu/cuda-requirements.txt, pinned by hash), their
# shared libraries copied flat into <out-dir>, which Jib adds as the image's /opt/nvidia/lib (LD_LIBRARY_PATH).
# TensorFlow opens them by soname (libcudart.so.12, libcudnn.so.9, ...) when it starts; the driver's libcuda.so.1
# is the node's, mounted by its NVIDIA container runtime.
#
# Usage: cuda-libraries.sh <out-dir> <tensorflow native classifier>
#   linux-x86_64-gpu: fills <out-dir>; any other classifier (the CPU build): leaves it empty, so the CPU image
#   has no such layer.
# Idempotent and cached under $RECOMMENDER_CACHE_DIR (default ~/.cache/recommender-operator), keyed by the
# requirements file. Needs python3 with pip (the project's environment from scripts/setup.sh, else python3), unzip.
set -euo pipefail

out="$1"
classifier="$2"
here="$(cd "$(dirname "$0")/.." && pwd)"
requirements="$here/training-job/gpu/cuda-requirements.txt"
rm -rf "$out"
mkdir -p "$out"
[[ "$classifier" == *-gpu ]] || { echo "cuda-libraries: $classifier is not a GPU build: no CUDA libraries"; exit 0; }

cache_root="${RECOMMENDER_CACHE_DIR:-$HOME/.cache/recommender-operator}/cuda-libraries"
key="$( { cat "$0" "$requirements"; } | sha256sum | cut -c1-16)"
cached="$cache_root/$key"
if [[ ! -f "$cached/.complete" ]]; then
  python="${RECOMMENDER_PYTHON:-${RECOMMENDER_CACHE_DIR:-$HOME/.cache/recommender-operator}/python/bin/python}"
  [[ -x "$python" ]] || python="$(command -v python3)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "cuda-libraries: downloading $(grep -c '^nvidia' "$requirements") wheels (about 1.6 GB) from PyPI"
  "$python" -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: --require-hashes \
    --platform manylinux2014_x86_64 --python-version 3.11 -r "$requirements" -d "$work/wheels"
  mkdir -p "$work/lib"
  for wheel in "$work"/wheels/*.whl; do
    unzip -q -o -j "$wheel" 'nvidia/*/lib/*.so*' -d "$work/lib"
  done
  # Only the libraries TensorFlow loads: not the BLAS/FFTW shims, multi-GPU solvers or the profiler's extras.
  rm -f "$work"/lib/{libnvblas,libcufftw,libcusolverMg,libnvperf_host,libnvperf_target,libpcsamplingutil,libcheckpoint}.so*
  mkdir -p "$cache_root"
  rm -rf "$cached"
  mv "$work/lib" "$cached"
  touch "$cached/.complete"
fi
cp -a "$cached"/*.so* "$out"/
echo "cuda-libraries: $(ls "$out" | wc -l) libraries ($(du -sh "$out" | cut -f1)) -> $out"
