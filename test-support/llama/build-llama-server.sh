#!/usr/bin/env bash
# Builds llama.cpp's llama-server and llama-fit-params (llama.cpp's own memory
# preflight, the fit benchmark's yardstick; CPU only) from the source bundle
# that the npm package node-llama-cpp ships, into a cache outside the
# repository, and prints the path of llama-server. A second run reuses the
# cache; a cache built before llama-fit-params was added gets it by an
# incremental build of that one target in the same tree.
#
#   bash test-support/llama/build-llama-server.sh      # ~9 min on 2 cores, once
#
# The binary links llama.cpp's shared libraries beside it by absolute rpath,
# so the tree is built in its final place and marked complete at the end.
set -euo pipefail

VERSION="${VIGIL_NODE_LLAMA_CPP_VERSION:-3.21.1}"
CACHE="${VIGIL_LLAMA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vigil-testbed}"
ROOT="$CACHE/llama-cpp-$VERSION"
BIN="$ROOT/src/build/bin/llama-server"
FIT="$ROOT/src/build/bin/llama-fit-params"

mkdir -p "$CACHE"
exec 9>"$CACHE/.llama-cpp-$VERSION.lock"
flock 9

if [[ -f "$ROOT/.complete" && -x "$BIN" ]]; then
  if [[ ! -x "$FIT" ]]; then
    echo "building llama-fit-params in the cached tree $ROOT/src/build" >&2
    cmake --build "$ROOT/src/build" --target llama-fit-params -j"$(nproc)" >&2
  fi
  echo "$BIN"
  exit 0
fi

started=$SECONDS
rm -rf "$ROOT"
mkdir -p "$ROOT"
cd "$ROOT"
echo "fetching node-llama-cpp@$VERSION (source bundle only)" >&2
npm pack "node-llama-cpp@$VERSION" --silent >/dev/null
tar -xzf "node-llama-cpp-$VERSION.tgz" package/llama/gitRelease.bundle
git clone --quiet package/llama/gitRelease.bundle src
rm -rf package "node-llama-cpp-$VERSION.tgz"

echo "building llama-server and llama-fit-params (CPU only) in $ROOT/src/build" >&2
cmake -S src -B src/build -DCMAKE_BUILD_TYPE=Release -DLLAMA_CURL=OFF \
  -DLLAMA_OPENSSL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DGGML_NATIVE=OFF >/dev/null
cmake --build src/build --target llama-server llama-fit-params -j"$(nproc)" >&2

"$BIN" --version >&2
# Fetch + configure + build, wall seconds (BENCHMARKS.md reports it).
echo "$((SECONDS - started))" >"$ROOT/build-seconds"
touch "$ROOT/.complete"
echo "$BIN"
