/*
 * Allocates a known amount of VRAM through the CUDA driver API (libcuda.so.1,
 * loaded at run time: no toolkit needed), says "allocated <bytes>" on stdout
 * and holds it until killed. For the real-GPU check only.
 *   cuda-alloc <bytes> [device]
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

typedef int CUresult;
typedef int CUdevice;
typedef void *CUcontext;
typedef unsigned long long CUdeviceptr;

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: cuda-alloc BYTES [DEVICE]\n"); return 2; }
  size_t bytes = strtoull(argv[1], NULL, 10);
  int ordinal = argc > 2 ? atoi(argv[2]) : 0;
  void *lib = dlopen("libcuda.so.1", RTLD_NOW);
  if (!lib) { fprintf(stderr, "cuda-alloc: %s\n", dlerror()); return 3; }
  CUresult (*cuInit)(unsigned) = (CUresult (*)(unsigned))dlsym(lib, "cuInit");
  CUresult (*cuDeviceGet)(CUdevice *, int) = (CUresult (*)(CUdevice *, int))dlsym(lib, "cuDeviceGet");
  CUresult (*cuCtxCreate)(CUcontext *, unsigned, CUdevice) = (CUresult (*)(CUcontext *, unsigned, CUdevice))dlsym(lib, "cuCtxCreate_v2");
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t) = (CUresult (*)(CUdeviceptr *, size_t))dlsym(lib, "cuMemAlloc_v2");
  if (!cuInit || !cuDeviceGet || !cuCtxCreate || !cuMemAlloc) { fprintf(stderr, "cuda-alloc: missing CUDA driver symbols\n"); return 3; }
  CUdevice dev;
  CUcontext ctx;
  CUdeviceptr ptr;
  CUresult r;
  if ((r = cuInit(0)) != 0) { fprintf(stderr, "cuda-alloc: cuInit failed: %d\n", r); return 4; }
  if ((r = cuDeviceGet(&dev, ordinal)) != 0) { fprintf(stderr, "cuda-alloc: cuDeviceGet failed: %d\n", r); return 4; }
  if ((r = cuCtxCreate(&ctx, 0, dev)) != 0) { fprintf(stderr, "cuda-alloc: cuCtxCreate failed: %d\n", r); return 4; }
  if ((r = cuMemAlloc(&ptr, bytes)) != 0) { fprintf(stderr, "cuda-alloc: cuMemAlloc failed: %d\n", r); return 4; }
  printf("allocated %zu\n", bytes);
  fflush(stdout);
  for (;;) pause();
}
