// llama-server's command line, as far as it changes memory: model, context,
// slots, cache types, offload, batches, flash attention, load mode, SWA.
// Defaults are this llama.cpp build's (common/common.h, common/arg.cpp,
// tools/server/server.cpp): -np defaults to auto = 4 slots sharing one
// unified KV cache; -c 0 or unset = the model's trained context (with --fit
// on, an unset context may be shrunk to fit host memory). Values are always
// separate arguments (llama.cpp has no `--flag=value` form); `_` in a long
// flag reads as `-` and a repeated flag's last value wins
// (llama/command-line.ts). Unknown flags are ignored; LLAMA_ARG_* environment
// variables apply where the flag is absent, as in llama.cpp.
import path from 'node:path';
import { isLlamaServerCommand, normaliseFlag } from '../llama/command-line.js';
import { KV_CACHE_TYPES, type KvCacheType } from './ggml-types.js';

export type LoadMode = 'auto' | 'none' | 'mmap' | 'mlock' | 'mmap+mlock' | 'dio';
export type GpuLayers = number | 'auto' | 'all';

export interface ServerSettings {
  /** Absolute path of -m (resolved against the backend's working directory). */
  model: string;
  /** -c as given; null when unset (trained context, llama.cpp's --fit may shrink it); 0 = trained context. */
  ctx: number | null;
  /** -np as given; null = auto (4 slots, unified KV). */
  parallel: number | null;
  /** -kvu/-no-kvu as given; null = llama.cpp decides (unified when -np is auto). */
  kvUnified: boolean | null;
  cacheTypeK: KvCacheType;
  cacheTypeV: KvCacheType;
  gpuLayers: GpuLayers;
  /** -ot pattern=buffer pairs, in order. */
  overrides: { pattern: string; buffer: string }[];
  batch: number;
  ubatch: number;
  flashAttn: 'on' | 'off' | 'auto';
  loadMode: LoadMode;
  swaFull: boolean;
  kvOffload: boolean;
  repack: boolean;
  /** --fit (default on): llama.cpp adjusts unset parameters to the host's memory. */
  fit: boolean;
  /** -cram: prompt cache limit in MiB (grows with use, after ready); -1 = no limit. */
  cacheRamMib: number;
}

export type ParsedServerArgs =
  | { ok: true; settings: ServerSettings; /** flags whose memory effect is not modelled */ notes: string[] }
  | { ok: false; why: string };

const NUM = (v: string | undefined, flag: string): number => {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) throw new ArgError(`${flag}: '${v ?? ''}' is not a whole number`);
  return Number(v);
};

class ArgError extends Error {}

function cacheType(v: string | undefined, flag: string): KvCacheType {
  const t = (v ?? '').toLowerCase();
  if (!(KV_CACHE_TYPES as readonly string[]).includes(t)) throw new ArgError(`${flag}: '${v ?? ''}' is not a KV cache type (${KV_CACHE_TYPES.join(', ')})`);
  return t as KvCacheType;
}

const truthy = (v: string): boolean | null => (/^(on|enabled|true|1)$/i.test(v) ? true : /^(off|disabled|false|0)$/i.test(v) ? false : null);

function gpuLayers(v: string | undefined, flag: string): GpuLayers {
  if (v === 'auto') return 'auto';
  if (v === 'all') return 'all';
  const n = NUM(v, flag);
  return n === -1 ? 'auto' : n <= -2 ? 'all' : n;
}

function loadMode(v: string | undefined, flag: string): LoadMode {
  const m = (v ?? '') as LoadMode;
  if (!['auto', 'none', 'mmap', 'mlock', 'mmap+mlock', 'dio'].includes(m)) throw new ArgError(`${flag}: '${v ?? ''}' is not a load mode`);
  return m;
}

function overrides(v: string | undefined, flag: string): { pattern: string; buffer: string }[] {
  return (v ?? '').split(',').filter(Boolean).map((o) => {
    const at = o.indexOf('=');
    if (at <= 0) throw new ArgError(`${flag}: '${o}' is not <tensor name pattern>=<buffer type>`);
    return { pattern: o.slice(0, at), buffer: o.slice(at + 1) };
  });
}

/** Flags that take a value but do not change memory: their value must be skipped, not read as a flag. */
const VALUE_FLAGS = new Set([
  '--port', '--host', '-t', '--threads', '-tb', '--threads-batch', '--threads-http', '-a', '--alias', '--api-key', '--api-key-file',
  '-n', '--predict', '--n-predict', '-lv', '--verbosity', '--log-verbosity', '--log-file', '--temp', '--top-k', '--top-p', '--min-p',
  '--seed', '-s', '--chat-template', '--chat-template-file', '--jinja-kwargs', '--timeout', '-to', '--rope-freq-base', '--rope-freq-scale',
  '--rope-scale', '--rope-scaling', '--yarn-orig-ctx', '--mmproj', '-mm', '--lora', '--grammar', '--grammar-file', '--slot-save-path',
  '--path', '--api-prefix', '--split-mode', '-sm', '--tensor-split', '-ts', '--main-gpu', '-mg', '-dev', '--device', '--numa',
  '--reasoning-format', '--reasoning-budget', '--keep', '--cache-reuse', '--ctx-checkpoints', '--sleep-idle-seconds', '-fitt', '--fit-target',
  '-fitc', '--fit-ctx', '-hf', '-hfr', '--hf-repo', '-hff', '--hf-file', '-md', '--model-draft', '--draft-max', '--draft-min', '-lzm', '--lazy-mode',
  '--alias', '--tags', '--models-dir', '--models-max', '--media-path', '--ssl-key-file', '--ssl-cert-file', '-kvups', '--kv-unified-per-slot',
]);

/** What changes memory in a llama-server command line. `cwd` resolves a relative -m; `llama` is the backend's `llama:` setting. */
export function parseServerArgs(argv: readonly string[], opts: { cwd?: string; env?: Record<string, string | undefined>; llama?: boolean | null } = {}): ParsedServerArgs {
  const [cmd, ...args] = argv;
  if (!cmd) return { ok: false, why: 'the command is empty' };
  if (!isLlamaServerCommand(argv, opts.llama)) return { ok: false, why: `the command is ${path.basename(cmd)}, not llama-server: no memory prediction for it` };
  const env = opts.env ?? {};
  const cwd = opts.cwd ?? process.cwd();
  const s: Omit<ServerSettings, 'model'> & { model: string | null } = {
    model: null,
    ctx: null,
    parallel: null,
    kvUnified: null,
    cacheTypeK: 'f16',
    cacheTypeV: 'f16',
    gpuLayers: 'auto',
    overrides: [],
    batch: 2048,
    ubatch: 512,
    flashAttn: 'auto',
    loadMode: 'auto',
    swaFull: false,
    kvOffload: true,
    repack: true,
    fit: true,
    cacheRamMib: 8192,
  };
  const notes: string[] = [];
  try {
    // Environment first (llama.cpp: a flag on the command line wins over LLAMA_ARG_*).
    const e = (k: string): string | undefined => env[`LLAMA_ARG_${k}`];
    if (e('MODEL')) s.model = e('MODEL')!;
    if (e('CTX_SIZE')) s.ctx = NUM(e('CTX_SIZE'), 'LLAMA_ARG_CTX_SIZE');
    if (e('N_PARALLEL')) s.parallel = NUM(e('N_PARALLEL'), 'LLAMA_ARG_N_PARALLEL');
    if (e('CACHE_TYPE_K')) s.cacheTypeK = cacheType(e('CACHE_TYPE_K'), 'LLAMA_ARG_CACHE_TYPE_K');
    if (e('CACHE_TYPE_V')) s.cacheTypeV = cacheType(e('CACHE_TYPE_V'), 'LLAMA_ARG_CACHE_TYPE_V');
    if (e('N_GPU_LAYERS')) s.gpuLayers = gpuLayers(e('N_GPU_LAYERS'), 'LLAMA_ARG_N_GPU_LAYERS');
    if (e('BATCH')) s.batch = NUM(e('BATCH'), 'LLAMA_ARG_BATCH');
    if (e('UBATCH')) s.ubatch = NUM(e('UBATCH'), 'LLAMA_ARG_UBATCH');
    if (e('LOAD_MODE')) s.loadMode = loadMode(e('LOAD_MODE'), 'LLAMA_ARG_LOAD_MODE');
    if (e('MMAP') && truthy(e('MMAP')!) === false) s.loadMode = 'none';
    if (e('MLOCK') && truthy(e('MLOCK')!) !== false) s.loadMode = 'mlock';
    if (e('SWA_FULL') && truthy(e('SWA_FULL')!) !== false) s.swaFull = true;
    if (e('FLASH_ATTN')) s.flashAttn = truthy(e('FLASH_ATTN')!) === true ? 'on' : truthy(e('FLASH_ATTN')!) === false ? 'off' : 'auto';
    if (e('KV_UNIFIED')) s.kvUnified = truthy(e('KV_UNIFIED')!) !== false;
    if (e('OVERRIDE_TENSOR')) s.overrides = overrides(e('OVERRIDE_TENSOR'), 'LLAMA_ARG_OVERRIDE_TENSOR');
    if (e('CACHE_RAM')) s.cacheRamMib = NUM(e('CACHE_RAM'), 'LLAMA_ARG_CACHE_RAM');

    for (let i = 0; i < args.length; i++) {
      const raw = args[i]!;
      const flag = normaliseFlag(raw);
      const val = (): string => {
        const v = args[i + 1];
        if (v === undefined) throw new ArgError(`${raw} needs a value`);
        i++;
        return v;
      };
      switch (flag) {
        case '-m': case '--model': s.model = val(); break;
        case '-c': case '--ctx-size': s.ctx = NUM(val(), raw); break;
        case '-np': case '--parallel': { const n = NUM(val(), raw); s.parallel = n < 0 ? null : n; break; }
        case '-kvu': case '--kv-unified': s.kvUnified = true; break;
        case '-no-kvu': case '--no-kv-unified': s.kvUnified = false; break;
        case '-ctk': case '--cache-type-k': s.cacheTypeK = cacheType(val(), raw); break;
        case '-ctv': case '--cache-type-v': s.cacheTypeV = cacheType(val(), raw); break;
        case '-ngl': case '--gpu-layers': case '--n-gpu-layers': s.gpuLayers = gpuLayers(val(), raw); break;
        case '-ot': case '--override-tensor': s.overrides.push(...overrides(val(), raw)); break;
        case '-cmoe': case '--cpu-moe': s.overrides.push({ pattern: '\\.ffn_(up|down|gate)_exps', buffer: 'CPU' }); break;
        case '-ncmoe': case '--n-cpu-moe': {
          const n = NUM(val(), raw);
          for (let l = 0; l < n; l++) s.overrides.push({ pattern: `blk\\.${l}\\.ffn_(up|down|gate)_exps`, buffer: 'CPU' });
          break;
        }
        case '-b': case '--batch-size': s.batch = NUM(val(), raw); break;
        case '-ub': case '--ubatch-size': s.ubatch = NUM(val(), raw); break;
        case '-fa': case '--flash-attn': {
          const v = val();
          const t = truthy(v);
          if (t === null && v !== 'auto') throw new ArgError(`${raw}: '${v}' is not on, off or auto`);
          s.flashAttn = t === true ? 'on' : t === false ? 'off' : 'auto';
          break;
        }
        case '--no-mmap': s.loadMode = 'none'; break;
        case '--mmap': s.loadMode = 'mmap'; break;
        case '--mlock': s.loadMode = 'mlock'; break;
        case '-dio': case '--direct-io': s.loadMode = 'dio'; break;
        case '-ndio': case '--no-direct-io': s.loadMode = 'none'; break;
        case '-lm': case '--load-mode': s.loadMode = loadMode(val(), raw); break;
        case '--swa-full': s.swaFull = true; break;
        case '-nkvo': case '--no-kv-offload': s.kvOffload = false; break;
        case '-kvo': case '--kv-offload': s.kvOffload = true; break;
        case '--repack': s.repack = true; break;
        case '-nr': case '--no-repack': s.repack = false; break;
        case '-fit': case '--fit': { const t = truthy(val()); s.fit = t !== false; break; }
        case '-cram': case '--cache-ram': s.cacheRamMib = NUM(val(), raw); break;
        case '-md': case '--model-draft': case '--spec-draft-model': val(); notes.push('a draft model (-md) is loaded too; its memory is not included'); break;
        case '--mmproj': case '-mm': val(); notes.push('a multimodal projector (--mmproj) is loaded too; its memory is not included'); break;
        case '--lora': val(); notes.push('LoRA adapters (--lora) are loaded too; their memory is not included'); break;
        default:
          if (VALUE_FLAGS.has(flag)) i++;
      }
    }
  } catch (e) {
    if (e instanceof ArgError) return { ok: false, why: `cannot read llama-server's flags: ${e.message}` };
    throw e;
  }
  if (!s.model) return { ok: false, why: 'llama-server without -m/--model (a model from -hf or a router): no local file to read' };
  if (s.ubatch > s.batch) s.ubatch = s.batch;
  return { ok: true, settings: { ...s, model: path.resolve(cwd, s.model) }, notes };
}
