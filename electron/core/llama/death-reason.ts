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
  kind: LlamaDeathKind;
  re: RegExp;
  summary: (m: RegExpExecArray) => string;
}

const GPU_BUFFER = String.raw`((?:CUDA|ROCm|MUSA|Vulkan|Metal|MTL|SYCL|CANN|OpenCL|RPC|WebGPU|HIP)[\w[\]:.-]*)`;
const bytes = (n: string | undefined): string => (n ? ` ${formatBytes(Number(n))}` : '');
const mib = (n: string | undefined): string => (n ? ` ${formatBytes(toBytes(n, 'MiB'))}` : '');

// Earlier rules are more telling: memory before files, files before ports.
const RULES: Rule[] = [
  // alloc_tensor_range / ggml_gallocr_reserve_n: failed to allocate CUDA0 buffer of size 151851674624
  { kind: 'gpu-oom', re: new RegExp(String.raw`failed to allocate ${GPU_BUFFER} buffer(?: of size (\d+))?`), summary: (m) => `GPU out of memory: ${m[1]} could not allocate${bytes(m[2])}` },
  // ggml_backend_cuda_buffer_type_alloc_buffer: allocating 144817.04 MiB on device 0: cudaMalloc failed: out of memory
  { kind: 'gpu-oom', re: /allocating ([\d.]+) MiB on device (\d+): (?:cuda|hip)Malloc failed: out of memory/i, summary: (m) => `GPU out of memory: device ${m[2]} could not allocate${mib(m[1])}` },
  // llama_model_load: error loading model: unable to allocate CUDA0 buffer
  { kind: 'gpu-oom', re: new RegExp(String.raw`unable to allocate ${GPU_BUFFER} buffer`), summary: (m) => `GPU out of memory: ${m[1]} buffer could not be allocated` },
  // CUDA error: out of memory (runtime, e.g. in ggml_cuda_pool_malloc); ROCm/MUSA builds name themselves
  { kind: 'gpu-oom', re: /\b(CUDA|ROCm|HIP|MUSA|SYCL|CANN) error: out of memory/, summary: (m) => `GPU out of memory (${m[1]} error while running)` },
  { kind: 'gpu-oom', re: /\b(?:cuda|hip)Malloc failed: out of memory|\bhipErrorOutOfMemory\b/i, summary: () => 'GPU out of memory (device allocation failed)' },
  // ggml_vulkan: Device memory allocation of size 118497280 failed. / vk::Device::allocateMemory: ErrorOutOfDeviceMemory
  { kind: 'gpu-oom', re: /ggml_vulkan: Device memory allocation of size (\d+) failed/, summary: (m) => `GPU out of memory: Vulkan could not allocate${bytes(m[1])}` },
  { kind: 'gpu-oom', re: /ErrorOutOfDeviceMemory|VK_ERROR_OUT_OF_DEVICE_MEMORY/, summary: () => 'GPU out of memory (Vulkan: out of device memory)' },
  // ggml_backend_metal_buffer_type_alloc_buffer: error: failed to allocate buffer, size = 33074.89 MiB
  { kind: 'gpu-oom', re: /metal\w*: error: failed to allocate buffer(?:, size =\s*([\d.]+) MiB)?/i, summary: (m) => `GPU out of memory: Metal could not allocate${mib(m[1])}` },
  { kind: 'gpu-oom', re: /kIOGPUCommandBufferCallbackErrorOutOfMemory|\bInsufficient Memory\b/, summary: () => 'GPU out of memory (Metal: insufficient memory while running)' },
  // alloc_tensor_range: failed to allocate CPU buffer of size 256049152
  { kind: 'host-oom', re: /failed to allocate ((?:CPU|\w+_Host)\w*) buffer(?: of size (\d+))?/, summary: (m) => `Out of system memory: ${m[1]} buffer of${bytes(m[2])} could not be allocated` },
  // ggml_aligned_malloc: insufficient memory (attempted to allocate 977.76 MB)
  { kind: 'host-oom', re: /ggml_aligned_malloc: insufficient memory \(attempted to allocate ([\d.]+) MB\)/, summary: (m) => `Out of system memory: could not allocate${mib(m[1])}` },
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
  let best: { rule: number; reason: LlamaDeathReason } | null = null;
  for (let i = lines.length - 1; i >= 0; i--) {
    const raw = lines[i]!;
    if (raw.startsWith('[vigil] ')) continue;
    const { text } = normalizeLine(raw);
    if (CAME_UP.test(text)) break;
    for (let r = 0; r < RULES.length; r++) {
      // Keep the most telling kind; among equals, the earliest line (walking back, the last one found).
      if (best && r > best.rule) break;
      const rule = RULES[r]!;
      const m = rule.re.exec(text);
      if (m) {
        best = { rule: r, reason: { kind: rule.kind, summary: rule.summary(m), line: raw.trim() } };
        break;
      }
    }
  }
  return best?.reason ?? null;
}
