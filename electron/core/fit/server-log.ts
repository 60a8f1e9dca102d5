// The memory figures llama-server prints about itself. At -lv 4 (or
// --verbose) it logs each buffer as it allocates it, and a
// common_memory_breakdown_print table (once while fitting, again at
// shutdown):
//   load_tensors:   CPU_Mapped model buffer size =   114.53 MiB
//   llama_kv_cache:        CPU KV buffer size =    64.00 MiB
//   llama_context:        CPU  output buffer size =     0.49 MiB
//   sched_reserve:        CPU compute buffer size =    17.01 MiB
//   common_memory_breakdown_print: |   - Host   |   195 =   114 +      64 +      17   |
// At the default verbosity none of these appear, and the result is null.

export interface BufferFigure {
  /** llama.cpp's buffer name: 'CPU_Mapped', 'CPU_REPACK', 'CPU', 'CUDA0', 'CUDA_Host'… */
  buffer: string;
  bytes: number;
}

export interface ServerMemoryLog {
  model: BufferFigure[];
  kv: BufferFigure[];
  /** Recurrent state (SSM/RWKV layers). */
  recurrent: BufferFigure[];
  output: BufferFigure[];
  compute: BufferFigure[];
  /** The last breakdown table's Host row, bytes (llama.cpp prints whole MiB). */
  host: { model: number; context: number; compute: number } | null;
}

const MIB = 1024 * 1024;
const SIZE = String.raw`=\s*([\d.]+)\s*MiB`;
const LINES: [keyof Omit<ServerMemoryLog, 'host'>, RegExp][] = [
  ['model', new RegExp(String.raw`load_tensors:\s+(\S+) model buffer size\s*${SIZE}`)],
  ['kv', new RegExp(String.raw`llama_kv_cache(?:_\w+)?:\s+(\S+) KV buffer size\s*${SIZE}`)],
  ['recurrent', new RegExp(String.raw`llama_memory_recurrent:\s+(\S+) RS buffer size\s*${SIZE}`)],
  ['output', new RegExp(String.raw`llama_context:\s+(\S+)\s+output buffer size\s*${SIZE}`)],
  ['compute', new RegExp(String.raw`sched_reserve:\s+(\S+) compute buffer size\s*${SIZE}`)],
];
const HOST = /common_memory_breakdown_print:\s*\|\s*-\s*Host\s*\|\s*(\d+)\s*=\s*(\d+)\s*\+\s*(\d+)\s*\+\s*(\d+)/;

/** The figures in a llama-server log, or null when it printed none (default verbosity). */
export function parseServerMemoryLog(text: string): ServerMemoryLog | null {
  const out: ServerMemoryLog = { model: [], kv: [], recurrent: [], output: [], compute: [], host: null };
  let seen = false;
  // A model is loaded twice when --fit measures first: keep the figures of the last load.
  for (const line of text.split('\n')) {
    if (line.includes('llama_model_loader: loaded meta data')) {
      out.model = [];
      out.kv = [];
      out.recurrent = [];
      out.output = [];
      out.compute = [];
    }
    for (const [k, re] of LINES) {
      const m = re.exec(line);
      if (m) {
        out[k].push({ buffer: m[1]!, bytes: Math.round(Number(m[2]) * MIB) });
        seen = true;
      }
    }
    const h = HOST.exec(line);
    if (h) {
      out.host = { model: Number(h[2]) * MIB, context: Number(h[3]) * MIB, compute: Number(h[4]) * MIB };
      seen = true;
    }
  }
  return seen ? out : null;
}

export const sumBytes = (xs: readonly BufferFigure[], filter: (b: string) => boolean = () => true): number =>
  xs.filter((x) => filter(x.buffer)).reduce((a, x) => a + x.bytes, 0);
