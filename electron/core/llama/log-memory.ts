// Where a llama-server's memory went, from its log: the buffer lines it
// prints as it allocates (model weights, KV cache, compute, output), the
// memory breakdown table it prints while fitting its parameters (a
// projection) and at exit (what it held), and the device names and free
// memory it reports. Buffer lines are exact (MiB with two decimals) and win;
// the exit table adds device names and sizes; the fit table is shown only
// where nothing better exists, labelled as an estimate.
import type { LlamaBuffer, LlamaBufferKind, LlamaDeviceMemory } from '../../common/llama.js';

const MIB = 1024 * 1024;

interface TableRow {
  device: string;
  description: string | null;
  total: number | null;
  free: number | null;
  model: number;
  context: number;
  compute: number;
}

interface DeviceInfo {
  description: string | null;
  total: number | null;
  free: number | null;
}

/** True for buffers in system RAM: CPU, CPU_Mapped, CPU_REPACK, CUDA_Host, ROCm_Host, Vulkan_Host, AMX, BLAS … */
export function isHostBuffer(name: string): boolean {
  return /^(?:CPU|Host|AMX|BLAS)(?:_|$)/i.test(name) || /_Host$/i.test(name);
}

/** The device a buffer lives on: 'Host' for RAM, else the GPU ('MTL0_Mapped' → 'MTL0'). */
export function deviceOf(name: string): string {
  return isHostBuffer(name) ? 'Host' : name.replace(/_Mapped$/i, '');
}

// Device table row: "|   - CUDA0 (RTX 3090)   | 24124 = 23860 + (15946 = 15364 +     411 +     170) +      -15681 |"
const DEVICE_ROW = /\|\s+-\s+(\S+)(?:\s+\((.*)\))?\s*\|\s*(\d+)\s*=\s*(\d+)\s*\+\s*\(\s*(\d+)\s*=\s*(\d+)\s*\+\s*(\d+)\s*\+\s*(\d+)\s*\)\s*\+\s*-?\d+\s*\|/;
// Host and other rows: "|   - Host               |                  251 =   197 +      32 +      22                |"
const OTHER_ROW = /\|\s+-\s+(\S+)\s*\|\s*(\d+)\s*=\s*(\d+)\s*\+\s*(\d+)\s*\+\s*(\d+)\s*\|/;

export class MemoryLedger {
  private buffers: LlamaBuffer[] = [];
  private info = new Map<string, DeviceInfo>();
  private fitTable: TableRow[] | null = null;
  private exitTable: TableRow[] | null = null;
  private current: TableRow[] | null = null;

  /** A buffer line; repeated names add up (a SWA and a full KV cache on one device print two lines). */
  addBuffer(name: string, kind: LlamaBufferKind, bytes: number): void {
    const same = this.buffers.find((b) => b.name === name && b.kind === kind);
    if (same) same.bytes += bytes;
    else this.buffers.push({ name, kind, bytes });
  }

  noteDevice(device: string, description: string | null, total: number | null, free: number | null): void {
    const d = this.info.get(device) ?? { description: null, total: null, free: null };
    this.info.set(device, {
      description: description ?? d.description,
      total: total ?? d.total,
      free: free ?? d.free,
    });
  }

  /** The header line of a breakdown table: rows follow. `estimate` when printed before the model was loaded. */
  tableHeader(estimate: boolean): void {
    this.current = [];
    if (estimate) this.fitTable = this.current;
    else this.exitTable = this.current;
  }

  /** A line that may be a row of the table being read; false when it is not one. */
  tableRow(text: string): boolean {
    if (!this.current) return false;
    const d = DEVICE_ROW.exec(text);
    if (d) {
      this.current.push({
        device: d[1]!,
        description: d[2]?.trim() || null,
        total: Number(d[3]) * MIB,
        free: Number(d[4]) * MIB,
        model: Number(d[6]) * MIB,
        context: Number(d[7]) * MIB,
        compute: Number(d[8]) * MIB,
      });
      return true;
    }
    const o = OTHER_ROW.exec(text);
    if (o) {
      this.current.push({ device: deviceOf(o[1]!), description: null, total: null, free: null, model: Number(o[3]) * MIB, context: Number(o[4]) * MIB, compute: Number(o[5]) * MIB });
      return true;
    }
    this.current = null;
    return false;
  }

  get hasBuffers(): boolean {
    return this.buffers.length > 0;
  }

  devices(): LlamaDeviceMemory[] {
    const rows = new Map<string, LlamaDeviceMemory>();
    const row = (device: string, source: LlamaDeviceMemory['source']): LlamaDeviceMemory => {
      let r = rows.get(device);
      if (!r) {
        const i = this.info.get(device);
        r = { device, host: device === 'Host', description: i?.description ?? null, weights: null, kv: null, compute: null, other: null, deviceTotal: i?.total ?? null, deviceFree: i?.free ?? null, buffers: [], source };
        rows.set(device, r);
      }
      return r;
    };
    const add = (r: LlamaDeviceMemory, kind: LlamaBufferKind, bytes: number): void => {
      r[kind] = (r[kind] ?? 0) + bytes;
    };
    if (this.buffers.length > 0) {
      for (const b of this.buffers) {
        const r = row(deviceOf(b.name), 'log');
        add(r, b.kind, b.bytes);
        r.buffers.push({ ...b });
      }
      // The exit table names the GPUs and their size; its figures are rounded, the buffer lines are not.
      for (const t of this.exitTable ?? []) {
        const r = rows.get(t.device);
        if (!r) continue;
        r.description ??= t.description;
        r.deviceTotal ??= t.total;
        r.deviceFree ??= t.free;
      }
    } else {
      const table = this.exitTable ?? this.fitTable;
      const source = this.exitTable ? 'log' : 'fit-estimate';
      for (const t of table ?? []) {
        const r = row(t.device, source);
        add(r, 'weights', t.model);
        add(r, 'kv', t.context);
        add(r, 'compute', t.compute);
        r.description ??= t.description;
        r.deviceTotal ??= t.total;
        r.deviceFree ??= t.free;
      }
    }
    // GPUs in the order they appeared, then system RAM.
    return [...rows.values()].sort((a, b) => Number(a.host) - Number(b.host));
  }
}
