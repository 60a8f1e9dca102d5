import { describe, expect, it } from 'vitest';
import { parseServerMemoryLog, sumBytes } from './server-log.js';

const MiB = 2 ** 20;
// Lines as this repository's llama-server build prints them at -lv 4 (timestamps and level kept).
const LOG = `0.00.054.984 I common_memory_breakdown_print: | memory breakdown [MiB] | total   free    self   model   context   compute    unaccounted |
0.00.055.004 I common_memory_breakdown_print: |   - Host               |                  195 =   114 +      64 +      17                |
0.00.059.501 I llama_model_loader: loaded meta data with 22 key-value pairs and 75 tensors from /tmp/a.gguf (version GGUF V3 (latest))
0.00.092.251 I load_tensors:   CPU_Mapped model buffer size =   114.53 MiB
0.00.092.252 I load_tensors:   CPU_REPACK model buffer size =    10.25 MiB
0.00.092.874 I llama_context:        CPU  output buffer size =     0.49 MiB
0.00.092.945 I llama_kv_cache:        CPU KV buffer size =    64.00 MiB
0.00.121.446 I llama_kv_cache: size =   64.00 MiB (  4096 cells,   8 layers,  4/1 seqs), K (f16):   32.00 MiB, V (f16):   32.00 MiB
0.00.122.935 I sched_reserve:        CPU compute buffer size =    17.01 MiB
0.00.506.502 I common_memory_breakdown_print: |   - Host               |                  196 =   115 +      64 +      17                |
`;

describe("llama-server's printed memory figures", () => {
  it('reads each buffer and the last breakdown row', () => {
    const m = parseServerMemoryLog(LOG)!;
    expect(m.model).toEqual([{ buffer: 'CPU_Mapped', bytes: Math.round(114.53 * MiB) }, { buffer: 'CPU_REPACK', bytes: Math.round(10.25 * MiB) }]);
    expect(sumBytes(m.model, (b) => !b.endsWith('_Mapped'))).toBe(Math.round(10.25 * MiB));
    expect(m.kv).toEqual([{ buffer: 'CPU', bytes: 64 * MiB }]);
    expect(m.output).toEqual([{ buffer: 'CPU', bytes: Math.round(0.49 * MiB) }]);
    expect(m.compute).toEqual([{ buffer: 'CPU', bytes: Math.round(17.01 * MiB) }]);
    expect(m.host).toEqual({ model: 115 * MiB, context: 64 * MiB, compute: 17 * MiB });
  });

  it('keeps only the last load when the model is loaded twice, and is null at the default verbosity', () => {
    const twice = `${LOG}llama_model_loader: loaded meta data with 22 key-value pairs\nllama_kv_cache:        CUDA0 KV buffer size =    32.00 MiB\n`;
    expect(parseServerMemoryLog(twice)!.kv).toEqual([{ buffer: 'CUDA0', bytes: 32 * MiB }]);
    expect(parseServerMemoryLog(twice)!.model).toEqual([]);
    expect(parseServerMemoryLog('main: model loaded\nmain: server is listening on http://127.0.0.1:8080\n')).toBeNull();
  });
});
