// What Vigil knows about one llama-server: what its own log says (load
// phase, where the memory went), what its HTTP API says (/props, /slots,
// /metrics), the last generation probe, and why it died. Plain JSON: it
// crosses IPC and WebSocket as is. Runs everywhere (no Node builtins).

/**
 * How far the server has got, from its log. 'loading' starts with the model
 * load (older builds open the HTTP port first and say so; /health answers 503
 * then), 'loaded' once the model and context exist, 'listening' once the
 * server accepts requests. 'failed' when the log says it gives up
 * ("exiting due to …"), 'stopping' when it says it is cleaning up.
 */
export type LlamaLoadPhase = 'starting' | 'loading' | 'loaded' | 'listening' | 'stopping' | 'failed';

export type LlamaBufferKind = 'weights' | 'kv' | 'compute' | 'other';

/** One buffer the server reported ('CPU_Mapped model buffer size = 7.95 MiB'). */
export interface LlamaBuffer {
  /** ggml's buffer name: 'CPU_Mapped', 'CPU_REPACK', 'CUDA0', 'CUDA_Host', 'ROCm0', 'Vulkan0', 'MTL0' … */
  name: string;
  kind: LlamaBufferKind;
  bytes: number;
}

/**
 * Memory on one device. 'Host' is system RAM (CPU, CPU_Mapped, CUDA_Host …
 * buffers); every other row is a GPU device named as ggml names it.
 */
export interface LlamaDeviceMemory {
  device: string;
  host: boolean;
  /** The GPU's model as the log names it ('RTX 4090'), else null. */
  description: string | null;
  /** Bytes; null when the log gives no figure for that part. */
  weights: number | null;
  kv: number | null;
  compute: number | null;
  /** Output/input buffers and anything else the log names. */
  other: number | null;
  /** Device size and free memory when the log reports them (the breakdown table, "using device … MiB free"). */
  deviceTotal: number | null;
  deviceFree: number | null;
  buffers: LlamaBuffer[];
  /**
   * 'log': sizes the server allocated and printed. 'fit-estimate': the
   * server's own projection before loading (common_fit_params), shown only
   * where the log has nothing better.
   */
  source: 'log' | 'fit-estimate';
}

export interface LlamaKvCache {
  /** Context cells (tokens) this cache holds; null for the oldest log format. */
  cells: number | null;
  layers: number | null;
  /** Sequences (slots) it serves and the streams it is split into ('4/1 seqs': 4 slots, one unified stream; cells are per stream). */
  seqs: number | null;
  streams: number | null;
  typeK: string | null;
  typeV: string | null;
  bytes: number;
}

export interface LlamaModelInfo {
  path: string | null;
  /** general.name from the GGUF. */
  name: string | null;
  /** 'F16', 'Q4_K - Medium' … */
  fileType: string | null;
  fileBytes: number | null;
}

export interface LlamaSlots {
  total: number | null;
  busy: number | null;
  /** Context size per slot. */
  contextPerSlot: number | null;
  source: 'slots' | 'metrics' | 'props' | 'log';
}

/** From /metrics; rates are llama-server's own averages over the interval since its previous /metrics read. */
export interface LlamaThroughput {
  promptTokensPerSec: number | null;
  generatedTokensPerSec: number | null;
  promptTokensTotal: number | null;
  generatedTokensTotal: number | null;
  requestsProcessing: number | null;
  requestsDeferred: number | null;
}

/** Only builds that export it (llamacpp:kv_cache_usage_ratio / kv_cache_tokens); newer builds do not. */
export interface LlamaKvUsage {
  ratio: number | null;
  tokens: number | null;
}

/** 'unknown' until asked; 'absent' (404/501/401) is remembered and not asked again for this process. */
export type LlamaEndpointState = 'unknown' | 'available' | 'absent';

export interface LlamaEndpoints {
  props: LlamaEndpointState;
  slots: LlamaEndpointState;
  metrics: LlamaEndpointState;
}

export interface LlamaGenerationProbe {
  /** ms since epoch. */
  at: number;
  outcome: 'ok' | 'failed' | 'skipped';
  latencyMs: number | null;
  /** 'generated 1 token', 'timeout after 30000 ms', '2 of 4 slots busy' … */
  detail: string;
}

export type LlamaDeathKind =
  | 'gpu-oom'
  | 'host-oom'
  | 'model-missing'
  | 'model-unreadable'
  | 'model-corrupt'
  | 'unsupported-arch'
  | 'port-in-use';

/** Why the server died, read from the last lines of its log. */
export interface LlamaDeathReason {
  kind: LlamaDeathKind;
  /** One sentence for the card: 'GPU out of memory: CUDA0 could not allocate 141.4 GiB'. */
  summary: string;
  /** The log line it was read from. */
  line: string;
  /** For a GPU out-of-memory death: the device ('CUDA1', 'ROCm0', 'Vulkan0', 'Metal') and the size asked for, when the log says. */
  gpu?: { device: string | null; bytes: number | null };
}

export interface LlamaView {
  phase: LlamaLoadPhase;
  /** 0..1 while weights load, from the loader's progress dots (builds that print them); else null. */
  loadProgress: number | null;
  listenUrl: string | null;
  /** 'b1-80fb11a' style: build number and commit. */
  build: string | null;
  /** The server's log verbosity when it says (`-lv N`); buffer sizes appear at 4 in current builds. */
  logVerbosity: number | null;
  model: LlamaModelInfo;
  /** n_ctx of the context (all slots together). */
  contextSize: number | null;
  kvCaches: LlamaKvCache[];
  /** Layers offloaded to GPU, when the log says. */
  offload: { layers: number; of: number } | null;
  memory: LlamaDeviceMemory[];
  slots: LlamaSlots | null;
  throughput: LlamaThroughput | null;
  kvUsage: LlamaKvUsage | null;
  endpoints: LlamaEndpoints;
  lastProbe: LlamaGenerationProbe | null;
  deathReason: LlamaDeathReason | null;
  /**
   * The death reason of the backend's last process that died giving one (this
   * one's, once it has), kept across restarts so the card can show it beside
   * that exit (match `pid` with the last exit's).
   */
  lastDeath: { pid: number; reason: LlamaDeathReason } | null;
}

export const emptyLlamaView = (): LlamaView => ({
  phase: 'starting',
  loadProgress: null,
  listenUrl: null,
  build: null,
  logVerbosity: null,
  model: { path: null, name: null, fileType: null, fileBytes: null },
  contextSize: null,
  kvCaches: [],
  offload: null,
  memory: [],
  slots: null,
  throughput: null,
  kvUsage: null,
  endpoints: { props: 'unknown', slots: 'unknown', metrics: 'unknown' },
  lastProbe: null,
  deathReason: null,
  lastDeath: null,
});
