/*
 * A stand-in libnvidia-ml.so.1 for tests: it answers the NVML calls Vigil
 * makes with devices and processes read from the file named by
 * VIGIL_FAKE_NVML_SCRIPT (re-read on every call, so a test can change it),
 * and appends each process-list call to VIGIL_FAKE_NVML_LOG. The structs are
 * declared as nvml.h declares them, so the C compiler lays them out and the
 * product's binding must read them at the same offsets.
 *
 * Script lines (tab-separated):
 *   init\t<nvmlReturn_t>                     nvmlInit_v2 fails with this code
 *   device\t<name>\t<uuid>\t<busId>\t<total>\t<used>\t<reserved>
 *        total may be "unsupported" (memory calls return NOT_SUPPORTED) or "na" (all ones)
 *   compute\t<device>\t<pid>\t<bytes or na>
 *   graphics\t<device>\t<pid>\t<bytes or na>
 *   race\t<n>                                the first sized list call finds n more processes than the count call said
 *
 * Build variants: -DNO_MEMORY_V2 (an older driver without nvmlDeviceGetMemoryInfo_v2),
 * -DPROCESSES_V2 (only the _v2 process calls, 24-byte entries).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_VALUE_NOT_AVAILABLE (~0ULL)

typedef struct nvmlMemory_st { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct nvmlMemory_v2_st { unsigned int version; unsigned long long total, reserved, free, used; } nvmlMemory_v2_t;
#define nvmlMemory_v2 (unsigned int)(sizeof(nvmlMemory_v2_t) | (2 << 24U))
typedef struct nvmlProcessInfo_v2_st { unsigned int pid; unsigned long long usedGpuMemory; unsigned int gpuInstanceId, computeInstanceId; } nvmlProcessInfo_v2_t;
typedef struct nvmlProcessInfo_st {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId, computeInstanceId;
  unsigned long long usedGpuCcProtectedMemory;
} nvmlProcessInfo_t;
typedef struct nvmlPciInfo_st {
  char busIdLegacy[16];
  unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;

#define MAX_DEV 16
#define MAX_PROC 4096
struct dev { char name[96], uuid[96], bus[32]; int mem; /* 0 ok, 1 unsupported, 2 na */ unsigned long long total, used, reserved; };
struct proc { int dev; int graphics; unsigned int pid; unsigned long long bytes; };
static struct dev devs[MAX_DEV];
static struct proc procs[MAX_PROC];
static int ndev, nproc, race, init_rc, inited, raced;
static struct dev *handles[MAX_DEV];

static unsigned long long num(const char *s) { return strcmp(s, "na") == 0 ? NVML_VALUE_NOT_AVAILABLE : strtoull(s, NULL, 10); }

static void load(void) {
  ndev = nproc = race = init_rc = 0;
  const char *path = getenv("VIGIL_FAKE_NVML_SCRIPT");
  FILE *f = path ? fopen(path, "r") : NULL;
  if (!f) return;
  char line[1024];
  while (fgets(line, sizeof line, f)) {
    line[strcspn(line, "\n")] = 0;
    char *f0 = strtok(line, "\t");
    if (!f0) continue;
    if (!strcmp(f0, "init")) init_rc = atoi(strtok(NULL, "\t"));
    else if (!strcmp(f0, "race")) race = atoi(strtok(NULL, "\t"));
    else if (!strcmp(f0, "device") && ndev < MAX_DEV) {
      struct dev *d = &devs[ndev++];
      memset(d, 0, sizeof *d);
      snprintf(d->name, sizeof d->name, "%s", strtok(NULL, "\t"));
      snprintf(d->uuid, sizeof d->uuid, "%s", strtok(NULL, "\t"));
      snprintf(d->bus, sizeof d->bus, "%s", strtok(NULL, "\t"));
      char *t = strtok(NULL, "\t");
      d->mem = !strcmp(t, "unsupported") ? 1 : !strcmp(t, "na") ? 2 : 0;
      d->total = num(t);
      d->used = num(strtok(NULL, "\t"));
      d->reserved = num(strtok(NULL, "\t"));
    } else if ((!strcmp(f0, "compute") || !strcmp(f0, "graphics")) && nproc < MAX_PROC) {
      struct proc *p = &procs[nproc++];
      p->graphics = !strcmp(f0, "graphics");
      p->dev = atoi(strtok(NULL, "\t"));
      p->pid = (unsigned int)atoi(strtok(NULL, "\t"));
      p->bytes = num(strtok(NULL, "\t"));
    }
  }
  fclose(f);
}

static void logcall(const char *fn, unsigned int count_in, int null_infos, nvmlReturn_t rc, unsigned int count_out) {
  const char *path = getenv("VIGIL_FAKE_NVML_LOG");
  if (!path) return;
  FILE *f = fopen(path, "a");
  if (!f) return;
  fprintf(f, "%s count=%u infos=%s -> %d count=%u\n", fn, count_in, null_infos ? "null" : "buffer", rc, count_out);
  fclose(f);
}

static int devindex(nvmlDevice_t h) {
  for (int i = 0; i < ndev; i++) if ((struct dev *)h == handles[i]) return i;
  return -1;
}

nvmlReturn_t nvmlInit_v2(void) { load(); if (init_rc) return init_rc; inited = 1; return NVML_SUCCESS; }
nvmlReturn_t nvmlShutdown(void) { inited = 0; return NVML_SUCCESS; }
const char *nvmlErrorString(nvmlReturn_t r) {
  switch (r) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    default: return "Unknown Error";
  }
}
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { if (!inited) return NVML_ERROR_UNINITIALIZED; load(); *count = (unsigned int)ndev; return NVML_SUCCESS; }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t *h) {
  if (!inited) return NVML_ERROR_UNINITIALIZED;
  if (i >= (unsigned int)ndev) return NVML_ERROR_INVALID_ARGUMENT;
  handles[i] = &devs[i];
  *h = (nvmlDevice_t)&devs[i];
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t h, char *name, unsigned int length) {
  int i = devindex(h); if (i < 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (strlen(devs[i].name) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  strcpy(name, devs[i].name); return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t h, char *uuid, unsigned int length) {
  int i = devindex(h); if (i < 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (strlen(devs[i].uuid) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  strcpy(uuid, devs[i].uuid); return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t h, nvmlPciInfo_t *pci) {
  int i = devindex(h); if (i < 0) return NVML_ERROR_INVALID_ARGUMENT;
  memset(pci, 0, sizeof *pci);
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%.15s", devs[i].bus);
  pci->domain = 0; pci->bus = 1; pci->device = 0; pci->pciDeviceId = 0x268410de;
  snprintf(pci->busId, sizeof pci->busId, "%s", devs[i].bus);
  return NVML_SUCCESS;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t h, nvmlMemory_t *m) {
  load();
  int i = devindex(h); if (i < 0) return NVML_ERROR_INVALID_ARGUMENT;
  struct dev *d = &devs[i];
  if (d->mem == 1) return NVML_ERROR_NOT_SUPPORTED;
  if (d->mem == 2) { m->total = m->free = m->used = NVML_VALUE_NOT_AVAILABLE; return NVML_SUCCESS; }
  /* v1 counts the driver's reserve as used */
  m->total = d->total; m->used = d->used + d->reserved; m->free = d->total - m->used;
  return NVML_SUCCESS;
}
#ifndef NO_MEMORY_V2
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t h, nvmlMemory_v2_t *m) {
  load();
  int i = devindex(h); if (i < 0) return NVML_ERROR_INVALID_ARGUMENT;
  if (m->version != nvmlMemory_v2) return 25; /* NVML_ERROR_ARGUMENT_VERSION_MISMATCH */
  struct dev *d = &devs[i];
  if (d->mem == 1) return NVML_ERROR_NOT_SUPPORTED;
  if (d->mem == 2) { m->total = m->reserved = m->free = m->used = NVML_VALUE_NOT_AVAILABLE; return NVML_SUCCESS; }
  m->total = d->total; m->reserved = d->reserved; m->used = d->used; m->free = d->total - d->used - d->reserved;
  return NVML_SUCCESS;
}
#endif

/* The count-0 / insufficient-size protocol, as NVML documents it. */
static nvmlReturn_t list(const char *fn, nvmlDevice_t h, unsigned int *count, void *infos, size_t stride, int graphics) {
  load();
  int d = devindex(h);
  if (d < 0 || !count) return NVML_ERROR_INVALID_ARGUMENT;
  unsigned int have = 0;
  for (int i = 0; i < nproc; i++) if (procs[i].dev == d && procs[i].graphics == graphics) have++;
  unsigned int in = *count;
  if (infos && race && !raced) { have += (unsigned int)race; raced = 1; }
  else if (!infos) raced = 0;
  if (in < have || (!infos && have > 0)) {
    *count = have;
    logcall(fn, in, !infos, NVML_ERROR_INSUFFICIENT_SIZE, have);
    return NVML_ERROR_INSUFFICIENT_SIZE;
  }
  unsigned int n = 0;
  for (int i = 0; i < nproc; i++) {
    if (procs[i].dev != d || procs[i].graphics != graphics) continue;
    char *e = (char *)infos + n * stride;
    memset(e, 0, stride);
    if (stride == sizeof(nvmlProcessInfo_t)) {
      nvmlProcessInfo_t *p = (nvmlProcessInfo_t *)e;
      p->pid = procs[i].pid; p->usedGpuMemory = procs[i].bytes; p->gpuInstanceId = 0xFFFFFFFF; p->computeInstanceId = 0xFFFFFFFF; p->usedGpuCcProtectedMemory = 0;
    } else {
      nvmlProcessInfo_v2_t *p = (nvmlProcessInfo_v2_t *)e;
      p->pid = procs[i].pid; p->usedGpuMemory = procs[i].bytes; p->gpuInstanceId = 0xFFFFFFFF; p->computeInstanceId = 0xFFFFFFFF;
    }
    n++;
  }
  *count = n;
  logcall(fn, in, !infos, NVML_SUCCESS, n);
  return NVML_SUCCESS;
}
#ifdef PROCESSES_V2
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t h, unsigned int *c, nvmlProcessInfo_v2_t *i) { return list("nvmlDeviceGetComputeRunningProcesses_v2", h, c, i, sizeof *i, 0); }
nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v2(nvmlDevice_t h, unsigned int *c, nvmlProcessInfo_v2_t *i) { return list("nvmlDeviceGetGraphicsRunningProcesses_v2", h, c, i, sizeof *i, 1); }
#else
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t h, unsigned int *c, nvmlProcessInfo_t *i) { return list("nvmlDeviceGetComputeRunningProcesses_v3", h, c, i, sizeof *i, 0); }
nvmlReturn_t nvmlDeviceGetGraphicsRunningProcesses_v3(nvmlDevice_t h, unsigned int *c, nvmlProcessInfo_t *i) { return list("nvmlDeviceGetGraphicsRunningProcesses_v3", h, c, i, sizeof *i, 1); }
#endif

/* Layout facts for the test: sizes and offsets as this compiler lays out nvml.h's structs. */
const char *fake_nvml_layout(void) {
  static char out[256];
  snprintf(out, sizeof out, "memory=%zu memory_v2=%zu v2.free=%zu process=%zu process_v2=%zu process.usedGpuMemory=%zu pci=%zu pci.busId=%zu",
           sizeof(nvmlMemory_t), sizeof(nvmlMemory_v2_t), (size_t)&((nvmlMemory_v2_t *)0)->free, sizeof(nvmlProcessInfo_t), sizeof(nvmlProcessInfo_v2_t),
           (size_t)&((nvmlProcessInfo_t *)0)->usedGpuMemory, sizeof(nvmlPciInfo_t), (size_t)&((nvmlPciInfo_t *)0)->busId);
  return out;
}
