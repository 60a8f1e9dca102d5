// NVIDIA's management library (NVML) through koffi, loaded at run time from
// the driver's libnvidia-ml.so.1 (or a path given by the caller). Structs are
// read from raw Buffers at the offsets nvml.h gives them on LP64, so a 64-bit
// "not available" (all ones) is seen exactly rather than as a rounded double.
import koffi from 'koffi';

export const NVML_SUCCESS = 0;
export const NVML_ERROR_NOT_SUPPORTED = 3;
export const NVML_ERROR_INSUFFICIENT_SIZE = 7;
/** NVML_VALUE_NOT_AVAILABLE: (unsigned long long)-1. */
export const NVML_VALUE_NOT_AVAILABLE = 0xffff_ffff_ffff_ffffn;

// nvmlMemory_t { ull total, free, used } — 24 bytes.
export const MEMORY_V1 = { size: 24, total: 0, free: 8, used: 16 } as const;
// nvmlMemory_v2_t { uint version; ull total, reserved, free, used } — 40 bytes; version = size | 2 << 24.
export const MEMORY_V2 = { size: 40, version: 0, total: 8, reserved: 16, free: 24, used: 32 } as const;
export const MEMORY_V2_VERSION = MEMORY_V2.size | (2 << 24);
// nvmlProcessInfo_t as the _v3 calls fill it: { uint pid; ull usedGpuMemory; uint gpuInstanceId, computeInstanceId; ull usedGpuCcProtectedMemory } — 32 bytes.
// The _v2 calls fill nvmlProcessInfo_v2_t (the first four fields, 24 bytes), the unsuffixed ones nvmlProcessInfo_v1_t (pid, usedGpuMemory: 16).
export const PROCESS_INFO = { v3: 32, v2: 24, v1: 16, pid: 0, usedGpuMemory: 8 } as const;
// nvmlPciInfo_t { char busIdLegacy[16]; uint domain, bus, device, pciDeviceId, pciSubSystemId; char busId[32] } — 68 bytes.
export const PCI_INFO = { size: 68, busId: 36, busIdLength: 32 } as const;
const NAME_LENGTH = 96; // NVML_DEVICE_NAME_V2_BUFFER_SIZE
const UUID_LENGTH = 96; // NVML_DEVICE_UUID_V2_BUFFER_SIZE

export interface NvmlMemory {
  total: number;
  free: number;
  used: number;
}

export interface NvmlProcess {
  pid: number;
  /** Bytes; null when NVML reports NVML_VALUE_NOT_AVAILABLE (e.g. no privilege to see it, unified memory). */
  usedBytes: number | null;
}

export interface NvmlDeviceInfo {
  index: number;
  name: string;
  uuid: string | null;
  pciBusId: string | null;
}

/** An NVML call that returned an error: the function and NVML's own words. */
export class NvmlError extends Error {
  constructor(
    readonly fn: string,
    readonly code: number,
    text: string,
  ) {
    super(`${fn}: ${text} (NVML error ${code})`);
  }
}

type Handle = unknown;
type Fn = (...args: unknown[]) => number;

const cString = (b: Buffer, length = b.length): string => {
  const end = b.indexOf(0);
  return b.toString('latin1', 0, end >= 0 && end < length ? end : length);
};

const u64 = (b: Buffer, at: number): number | null => {
  const v = b.readBigUInt64LE(at);
  return v === NVML_VALUE_NOT_AVAILABLE ? null : Number(v);
};

/**
 * One loaded NVML. `Nvml.open()` throws when the library cannot be loaded
 * (no NVIDIA driver) or nvmlInit fails; every other call throws an NvmlError.
 */
export class Nvml {
  private readonly lib: ReturnType<typeof koffi.load>;
  private readonly errorString: (code: number) => string;
  private readonly memV2: Fn | null;
  private readonly memV1: Fn | null;
  private readonly procs: { compute: Fn; graphics: Fn | null; stride: number; name: string } | null;
  private readonly fns: Record<'count' | 'handle' | 'name' | 'uuid' | 'pci' | 'shutdown', Fn | null>;
  private closed = false;

  private constructor(readonly path: string) {
    try {
      this.lib = koffi.load(path);
    } catch (e) {
      throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
    }
    const opt = (proto: string): Fn | null => {
      try {
        return this.lib.func(proto) as Fn;
      } catch {
        return null; // an older driver's library without this symbol
      }
    };
    const es = opt('const char *nvmlErrorString(int result)');
    this.errorString = (code) => (es ? String(es(code) ?? `error ${code}`) : `error ${code}`);
    const init = opt('int nvmlInit_v2()') ?? opt('int nvmlInit()');
    if (!init) throw new Error(`${path}: no nvmlInit_v2 (not an NVML library)`);
    const rc = init();
    if (rc !== NVML_SUCCESS) throw new NvmlError('nvmlInit_v2', rc, this.errorString(rc));
    this.fns = {
      count: opt('int nvmlDeviceGetCount_v2(_Out_ uint32_t *count)') ?? opt('int nvmlDeviceGetCount(_Out_ uint32_t *count)'),
      handle: opt('int nvmlDeviceGetHandleByIndex_v2(uint32_t index, _Out_ void **device)') ?? opt('int nvmlDeviceGetHandleByIndex(uint32_t index, _Out_ void **device)'),
      name: opt('int nvmlDeviceGetName(void *device, _Out_ uint8_t *name, uint32_t length)'),
      uuid: opt('int nvmlDeviceGetUUID(void *device, _Out_ uint8_t *uuid, uint32_t length)'),
      pci: opt('int nvmlDeviceGetPciInfo_v3(void *device, _Out_ uint8_t *pci)'),
      shutdown: opt('int nvmlShutdown()'),
    };
    this.memV2 = opt('int nvmlDeviceGetMemoryInfo_v2(void *device, _Inout_ uint8_t *memory)');
    this.memV1 = opt('int nvmlDeviceGetMemoryInfo(void *device, _Out_ uint8_t *memory)');
    const procFns = (suffix: string, stride: number): typeof this.procs => {
      const compute = opt(`int nvmlDeviceGetComputeRunningProcesses${suffix}(void *device, _Inout_ uint32_t *count, _Out_ uint8_t *infos)`);
      if (!compute) return null;
      return { compute, graphics: opt(`int nvmlDeviceGetGraphicsRunningProcesses${suffix}(void *device, _Inout_ uint32_t *count, _Out_ uint8_t *infos)`), stride, name: `nvmlDeviceGetComputeRunningProcesses${suffix}` };
    };
    this.procs = procFns('_v3', PROCESS_INFO.v3) ?? procFns('_v2', PROCESS_INFO.v2) ?? procFns('', PROCESS_INFO.v1);
    if (!this.fns.count || !this.fns.handle) throw new Error(`${path}: no nvmlDeviceGetCount/nvmlDeviceGetHandleByIndex`);
  }

  /** Load and initialise NVML from `path` (default: the driver's soname). Throws with the loader's words when it cannot. */
  static open(path = 'libnvidia-ml.so.1'): Nvml {
    return new Nvml(path);
  }

  /** Which memory and process calls this library offers (the newest of each). */
  get calls(): { memory: 'v2' | 'v1' | null; processes: string | null } {
    return { memory: this.memV2 ? 'v2' : this.memV1 ? 'v1' : null, processes: this.procs?.name ?? null };
  }

  private check(fn: string, rc: number): void {
    if (rc !== NVML_SUCCESS) throw new NvmlError(fn, rc, this.errorString(rc));
  }

  deviceCount(): number {
    const out = [0];
    this.check('nvmlDeviceGetCount_v2', this.fns.count!(out));
    return out[0]!;
  }

  handle(index: number): Handle {
    const out: unknown[] = [null];
    this.check('nvmlDeviceGetHandleByIndex_v2', this.fns.handle!(index, out));
    return out[0];
  }

  info(index: number, h: Handle): NvmlDeviceInfo {
    const text = (fn: Fn | null, fnName: string, len: number): string | null => {
      if (!fn) return null;
      const b = Buffer.alloc(len);
      const rc = fn(h, b, len);
      if (rc !== NVML_SUCCESS) return null;
      return cString(b);
    };
    let pciBusId: string | null = null;
    if (this.fns.pci) {
      const b = Buffer.alloc(PCI_INFO.size);
      if (this.fns.pci(h, b) === NVML_SUCCESS) pciBusId = cString(b.subarray(PCI_INFO.busId, PCI_INFO.busId + PCI_INFO.busIdLength)) || null;
    }
    return { index, name: text(this.fns.name, 'nvmlDeviceGetName', NAME_LENGTH) ?? `NVIDIA GPU ${index}`, uuid: text(this.fns.uuid, 'nvmlDeviceGetUUID', UUID_LENGTH), pciBusId };
  }

  /**
   * Device memory (v2 where the library has it: its `used` leaves out the
   * driver's reserve). Null when NVML says it is not supported or not
   * available: unified-memory parts (GB10) have no separate device memory.
   */
  memory(h: Handle): NvmlMemory | null {
    if (this.memV2) {
      const b = Buffer.alloc(MEMORY_V2.size);
      b.writeUInt32LE(MEMORY_V2_VERSION, MEMORY_V2.version);
      const rc = this.memV2(h, b);
      if (rc === NVML_SUCCESS) return this.memoryFrom(b, MEMORY_V2);
      if (rc === NVML_ERROR_NOT_SUPPORTED && !this.memV1) return null;
      if (rc !== NVML_ERROR_NOT_SUPPORTED) this.check('nvmlDeviceGetMemoryInfo_v2', rc);
    }
    if (!this.memV1) return null;
    const b = Buffer.alloc(MEMORY_V1.size);
    const rc = this.memV1(h, b);
    if (rc === NVML_ERROR_NOT_SUPPORTED) return null;
    this.check('nvmlDeviceGetMemoryInfo', rc);
    return this.memoryFrom(b, MEMORY_V1);
  }

  private memoryFrom(b: Buffer, at: { total: number; free: number; used: number }): NvmlMemory | null {
    const total = u64(b, at.total);
    const free = u64(b, at.free);
    const used = u64(b, at.used);
    if (total === null || free === null || used === null) return null;
    return { total, free, used };
  }

  /**
   * The compute and graphics processes on a device, one entry per pid (a
   * process with both contexts is listed by both calls with the same figure).
   * The size protocol: ask with a count of 0 for how many, then with room for
   * a few more, again while processes keep appearing in between.
   */
  processes(h: Handle): NvmlProcess[] {
    if (!this.procs) return [];
    const byPid = new Map<number, NvmlProcess>();
    for (const [fn, which] of [[this.procs.compute, 'Compute'], [this.procs.graphics, 'Graphics']] as const) {
      if (!fn) continue;
      for (const p of this.list(h, fn, this.procs.name.replace('Compute', which))) {
        const had = byPid.get(p.pid);
        if (!had || (had.usedBytes === null && p.usedBytes !== null)) byPid.set(p.pid, p);
      }
    }
    return [...byPid.values()];
  }

  private list(h: Handle, fn: Fn, name: string): NvmlProcess[] {
    const stride = this.procs!.stride;
    const count = [0];
    let rc = fn(h, count, null);
    for (let attempt = 0; rc === NVML_ERROR_INSUFFICIENT_SIZE && attempt < 5; attempt++) {
      // Room for a few that start between this call and the next.
      const room = count[0]! + 4;
      const buf = Buffer.alloc(room * stride);
      count[0] = room;
      rc = fn(h, count, buf);
      if (rc === NVML_SUCCESS) {
        const out: NvmlProcess[] = [];
        for (let i = 0; i < count[0]!; i++) {
          const at = i * stride;
          out.push({ pid: buf.readUInt32LE(at + PROCESS_INFO.pid), usedBytes: u64(buf, at + PROCESS_INFO.usedGpuMemory) });
        }
        return out;
      }
    }
    if (rc === NVML_ERROR_NOT_SUPPORTED) return [];
    this.check(name, rc);
    return []; // NVML_SUCCESS on the sizing call: no processes
  }

  /** nvmlShutdown; the library stays mapped (koffi cannot unload it safely while calls may be queued). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fns.shutdown?.();
  }
}
