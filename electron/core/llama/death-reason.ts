// Why a llama-server died, from the last lines of its log: GPU or host
// memory exhausted, a model file missing, unreadable, corrupt or of an
// architecture this build does not know, a port it could not bind. The
// kernel's view (signal, OOM kill) is the supervisor's; this is the server's
// own account, shown beside it.
//
// A failure cascades through several lines ("cudaMalloc failed: out of
// memory", "failed to allocate CUDA0 buffer", "unable to allocate CUDA0
// buffer", "failed to load model", "exiting due to model loading error"), so
// every line since the server last came up is read, the most telling kind
// wins, and the first line of that kind (the root cause) is quoted. An
// allocation failure the server recovered from (it retries without pipeline
// parallelism, then loads) lies before "model loaded" and is not read.
import type { LlamaDeathKind, LlamaDeathReason } from '../../common/llama.js';
import { formatBytes } from '../../common/format.js';
import { normalizeLine, toBytes } from './log-line.js';

interface Rule {
  /** 'alloc': an allocation failure that names no device: a GPU OOM when the log shows a GPU in use, else host memory. */
  kind: LlamaDeathKind | 'alloc';
  re: RegExp;
  summary: (m: RegExpExecArray, ctx: Context) => string;
  /** The device and size asked for, for a GPU out-of-memory line. */
  gpu?: (m: RegExpExecArray, ctx: Context) => { device: string | null; bytes: number | null };
}

/** What the rest of the log tells a line: the GPU API in use, the lines after it. */
interface Context {
  /** 'CUDA', 'ROCm', 'MUSA', 'Vulkan', 'MTL' … from device names anywhere in the lines; null for a CPU-only run. */
  api: string | null;
  /** The one GPU device the log names ('CUDA0'); null when it names none or several. */
  device: string | null;
  /** The lines after the matched one (a CUDA error names its device on the next line). */
  after: readonly string[];
}

// A GPU buffer type: CUDA0, ROCm1, Vulkan0, MTL0, SYCL0, CANN0, Metal … but not the pinned host buffers (CUDA_Host).
const GPU_BUFFER = String.raw`((?:CUDA|ROCm|MUSA|Vulkan|Metal|MTL|SYCL|CANN|OpenCL|RPC|WebGPU|HIP)(?![\w]*_Host)[\w[\]:.-]*)`;
const GPU_NAME = /\b(CUDA|ROCm|MUSA|Vulkan|MTL|SYCL|CANN|OpenCL|WebGPU)\d+\b/g;
const bytes = (n: string | undefined): string => (n ? ` ${formatBytes(Number(n))}` : '');
const mib = (n: string | undefined): string => (n ? ` ${formatBytes(toBytes(n, 'MiB'))}` : '');
const num = (n: string | undefined): number | null => (n ? Number(n) : null);
const mibNum = (n: string | undefined): number | null => (n ? toBytes(n, 'MiB') : null);
/** 'device 1' → 'CUDA1' (or ROCm1, MUSA1: the HIP and MUSA builds word their malloc failure as CUDA's). */
const numbered = (ctx: Context, n: string | undefined, fallback: string): string | null => (n === undefined ? null : `${ctx.api === 'ROCm' || ctx.api === 'MUSA' ? ctx.api : fallback}${n}`);
const currentDevice = (ctx: Context): string | undefined => /current device: (\d+)/.exec(ctx.after.slice(0, 3).join('\n'))?.[1];

// Earlier rules are more telling: memory before files, files before ports; a device and a size before a line without them.
const RULES: Rule[] = [
  // ggml-alloc.c alloc_tensor_range (weights, KV) and ggml_gallocr_reserve_n(_impl) (compute): failed to allocate CUDA0 buffer of size 151851674624
  { kind: 'gpu-oom', re: new RegExp(String.raw`failed to allocate ${GPU_BUFFER} buffer(?! of \d+ bytes)(?: of size (\d+))?`), summary: (m) => `GPU out of memory: ${m[1]} could not allocate${bytes(m[2])}`, gpu: (m) => ({ device: m[1]!, bytes: num(m[2]) }) },
  // ggml-cuda.cu (CUDA, and the HIP and MUSA builds): allocating 144817.04 MiB on device 0: cudaMalloc failed: out of memory
  { kind: 'gpu-oom', re: /allocating ([\d.]+) MiB on device (\d+): (?:cuda|hip|musa)Malloc failed: out of memory/i, summary: (m, c) => `GPU out of memory: ${numbered(c, m[2], 'CUDA')} could not allocate${mib(m[1])}`, gpu: (m, c) => ({ device: numbered(c, m[2], 'CUDA'), bytes: mibNum(m[1]) }) },
  // ggml-cann.cpp: allocating 2048.00 MiB on device 0: aclrtMalloc failed: EE1001 …
  { kind: 'gpu-oom', re: /allocating ([\d.]+) MiB on device (\d+): aclrtMalloc failed/, summary: (m) => `GPU out of memory: CANN${m[2]} could not allocate${mib(m[1])}`, gpu: (m) => ({ device: `CANN${m[2]}`, bytes: mibNum(m[1]) }) },
  // ggml-metal.cpp: ggml_backend_metal_buffer_type_alloc_buffer: failed to allocate Metal buffer of 35433480192 bytes (out of memory)
  { kind: 'gpu-oom', re: /failed to allocate Metal buffer of (\d+) bytes/, summary: (m) => `GPU out of memory: Metal could not allocate${bytes(m[1])}`, gpu: (m, c) => ({ device: c.device ?? 'Metal', bytes: num(m[1]) }) },
  // ggml-metal-device.m: ggml_metal_buffer_init: error: failed to allocate buffer, size = 33074.89 MiB (older: ggml_backend_metal_buffer_type_alloc_buffer)
  { kind: 'gpu-oom', re: /metal\w*: error: failed to allocate buffer(?:, size =\s*([\d.]+) MiB)?/i, summary: (m) => `GPU out of memory: Metal could not allocate${mib(m[1])}`, gpu: (m, c) => ({ device: c.device ?? 'Metal', bytes: mibNum(m[1]) }) },
  // ggml-vulkan.cpp: ggml_vulkan: Device memory allocation of size 118497280 failed.
  { kind: 'gpu-oom', re: /ggml_vulkan: Device memory allocation of size (\d+) failed/, summary: (m) => `GPU out of memory: Vulkan could not allocate${bytes(m[1])}`, gpu: (m, c) => ({ device: c.device ?? 'Vulkan', bytes: num(m[1]) }) },
  // llama-model.cpp: llama_model_load: error loading model: unable to allocate CUDA0 buffer
  { kind: 'gpu-oom', re: new RegExp(String.raw`unable to allocate ${GPU_BUFFER} buffer`), summary: (m) => `GPU out of memory: ${m[1]} buffer could not be allocated`, gpu: (m) => ({ device: m[1]!, bytes: null }) },
  // ggml_cuda_error: "CUDA error: out of memory" then "  current device: 1, in function … at …" (ROCm/MUSA builds name themselves)
  { kind: 'gpu-oom', re: /\b(CUDA|ROCm|HIP|MUSA|SYCL|CANN) error: out of memory/, summary: (m) => `GPU out of memory (${m[1]} error while running)`, gpu: (m, c) => ({ device: currentDevice(c) !== undefined ? `${m[1] === 'HIP' ? 'ROCm' : m[1]}${currentDevice(c)}` : c.device, bytes: null }) },
  { kind: 'gpu-oom', re: /\b(?:cuda|hip)Malloc failed: out of memory|\bhipErrorOutOfMemory\b/i, summary: () => 'GPU out of memory (device allocation failed)', gpu: (_m, c) => ({ device: c.device, bytes: null }) },
  // vk::Device::allocateMemory: ErrorOutOfDeviceMemory; "Requested buffer size exceeds device buffer size limit"; "No suitable memory type found"
  { kind: 'gpu-oom', re: /ErrorOutOfDeviceMemory|VK_ERROR_OUT_OF_DEVICE_MEMORY|OutOfDeviceMemoryError/, summary: () => 'GPU out of memory (Vulkan: out of device memory)', gpu: (_m, c) => ({ device: c.device ?? 'Vulkan', bytes: null }) },
  { kind: 'gpu-oom', re: /kIOGPUCommandBufferCallbackErrorOutOfMemory|\bInsufficient Memory\b/, summary: () => 'GPU out of memory (Metal: insufficient memory while running)', gpu: (_m, c) => ({ device: c.device ?? 'Metal', bytes: null }) },
  // alloc_tensor_range: failed to allocate CPU buffer of size 256049152
  { kind: 'host-oom', re: /failed to allocate ((?:CPU|\w+_Host)\w*) buffer(?: of size (\d+))?/, summary: (m) => `Out of system memory: ${m[1]} buffer of${bytes(m[2])} could not be allocated` },
  // ggml_aligned_malloc: insufficient memory (attempted to allocate 977.76 MB)
  { kind: 'host-oom', re: /ggml_aligned_malloc: insufficient memory \(attempted to allocate ([\d.]+) MB\)/, summary: (m) => `Out of system memory: could not allocate${mib(m[1])}` },
  // Lines that name no device: compute buffers, the KV (or recurrent state) cache, llama.cpp's own fit giving up.
  // llama-context.cpp: "failed to allocate compute pp buffers" / "… tg buffers"; graph_reserve: "failed to allocate compute buffers"
  { kind: 'alloc', re: /failed to allocate compute (?:pp |tg )?buffers/, summary: (_m, c) => `${c.api ? 'GPU' : 'Host'} out of memory: the compute buffers could not be allocated`, gpu: (_m, c) => ({ device: c.device, bytes: null }) },
  // llama-kv-cache.cpp / llama-memory-recurrent.cpp: "failed to allocate buffer for kv cache" / "… for rs cache"
  { kind: 'alloc', re: /failed to allocate buffer for (kv|rs) cache/, summary: (m, c) => `${c.api ? 'GPU' : 'Host'} out of memory: the ${m[1] === 'kv' ? 'KV cache' : 'recurrent state cache'} could not be allocated`, gpu: (_m, c) => ({ device: c.device, bytes: null }) },
  // common/fit.cpp: common_fit_params: failed to fit params to free device memory: n_gpu_layers already set by user to 99, abort
  { kind: 'gpu-oom', re: /failed to fit params to free device memory: (?!.*system memory)(.*?)(?:, abort)?$/, summary: (m) => `GPU out of memory: llama.cpp's --fit could not fit the model into free device memory (${m[1]!.trim()})`, gpu: (_m, c) => ({ device: c.device, bytes: null }) },
  // common/fit.cpp: was unable to fit model into system memory by reducing context, abort
  { kind: 'host-oom', re: /unable to fit model into system memory/, summary: () => "Out of system memory: llama.cpp's --fit could not fit the model even with a smaller context" },
  { kind: 'host-oom', re: /std::bad_alloc|\bfailed to mmap\b.*Cannot allocate memory|\bCannot allocate memory\b/, summary: () => 'Out of system memory (allocation failed)' },
  // gguf_init_from_file: failed to open GGUF file '/m.gguf' (No such file or directory); older: failed to open '/m.gguf': 'No such file or directory'
  { kind: 'model-missing', re: /failed to open (?:GGUF file )?'([^']+)'.*No such file or directory/, summary: (m) => `Model file not found: ${m[1]}` },
  { kind: 'model-unreadable', re: /failed to open (?:GGUF file )?'([^']+)'.*(Permission denied|Is a directory)/, summary: (m) => `Model file cannot be read: ${m[1]} (${m[2]!.toLowerCase()})` },
  { kind: 'model-missing', re: /No such file or directory/, summary: () => 'A file the server needs does not exist (No such file or directory)' },
  // gguf_init_from_reader: invalid magic characters: '+IG?', expected 'GGUF'
  { kind: 'model-corrupt', re: /invalid magic characters:? '?([^',]*)'?/, summary: (m) => `Not a GGUF model file (it starts with '${m[1]}', not 'GGUF')` },
  { kind: 'model-corrupt', re: /tensor '([^']+)' data is not within the file bounds/, summary: (m) => `Model file is truncated or corrupt (tensor '${m[1]}' lies beyond its end)` },
  { kind: 'model-corrupt', re: /gguf_init_from_\w+: failed to read ([\w -]+)/, summary: (m) => `Model file is truncated or corrupt (failed to read ${m[1]!.trim()})` },
  { kind: 'model-corrupt', re: /model is corrupted or incomplete|wrong number of tensors|tensor '[^']+' has wrong shape|missing tensor '[^']+'|key not found in model: (\S+)|invalid ggml type|GGUF version \d+ is not supported/, summary: (m) => `Model file is invalid: ${m[0]}` },
  // llama_model_load: error loading model: unknown model architecture: 'frobnitz'
  { kind: 'unsupported-arch', re: /unknown (?:model )?architecture:? '([^']+)'/, summary: (m) => `Unsupported model architecture '${m[1]}' (this llama-server build does not know it)` },
  // start: couldn't bind HTTP server socket, hostname: 127.0.0.1, port: 18413
  { kind: 'port-in-use', re: /couldn't bind HTTP server socket, hostname: (\S+), port: (\d+)/, summary: (m) => `Could not listen on ${m[1]}:${m[2]} (the port is probably in use)` },
  { kind: 'port-in-use', re: /address already in use|EADDRINUSE/i, summary: () => 'Port already in use' },
];

// Lines that say the server came up: what failed before them did not kill it.
const CAME_UP = /\bmodel loaded\b|\blistening on https?:|HTTP server (?:is )?listening/;

/**
 * The death reason in the last lines of a log (oldest first), or null when
 * they say nothing this knows. Vigil's own '[vigil] ' lines are skipped.
 */
export function classifyDeath(lines: readonly string[]): LlamaDeathReason | null {
  let best: { rule: number; at: number; m: RegExpExecArray } | null = null;
  let came = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i]!;
    if (raw.startsWith('[vigil] ')) continue;
    const { text } = normalizeLine(raw);
    if (CAME_UP.test(text)) {
      came = i + 1;
      break;
    }
    for (let r = 0; r < RULES.length; r++) {
      // Keep the most telling kind; among equals, the earliest line (walking back, the last one found).
      if (best && r > best.rule) break;
      const m = RULES[r]!.re.exec(text);
      if (m) {
        best = { rule: r, at: i, m };
        break;
      }
    }
  }
  if (!best) return null;
  const rule = RULES[best.rule]!;
  const ctx: Context = { ...gpuDevices(lines, came), after: lines.slice(best.at + 1).map((l) => normalizeLine(l).text) };
  const kind: LlamaDeathKind = rule.kind === 'alloc' ? (ctx.api ? 'gpu-oom' : 'host-oom') : rule.kind;
  const reason: LlamaDeathReason = { kind, summary: rule.summary(best.m, ctx), line: lines[best.at]!.trim() };
  if (kind === 'gpu-oom' && rule.gpu) reason.gpu = rule.gpu(best.m, ctx);
  return reason;
}

/** The GPU API the run used and its one device, from the device names in its lines since it last came up ('CUDA0', 'Vulkan1', 'MTL0' → Metal). */
function gpuDevices(lines: readonly string[], from: number): { api: string | null; device: string | null } {
  const seen = new Set<string>();
  let api: string | null = null;
  for (let i = from; i < lines.length; i++) {
    for (const m of lines[i]!.matchAll(GPU_NAME)) {
      api ??= m[1] === 'MTL' ? 'Metal' : m[1]!;
      seen.add(m[0]);
    }
  }
  return { api, device: seen.size === 1 ? [...seen][0]! : null };
}
