#!/bin/sh
# The one prepared check for a machine with an NVIDIA GPU and driver: NVML
# through the product's binding against the real driver (and the stand-in
# tests beside it), and a child's VRAM attributed within one tick, within
# 5 % of nvidia-smi. Prints the card and the figures for BENCHMARKS.md.
set -e
cd "$(dirname "$0")/../.."
nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader
VIGIL_REQUIRE_GPU_TESTS=1 npx vitest run electron/core/gpu/nvidia-real.test.ts native-bindings/nvml.test.ts electron/core/gpu/nvidia.test.ts
