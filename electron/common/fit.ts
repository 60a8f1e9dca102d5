// "Will it fit?": a backend's predicted memory before it starts, what a run
// really took, and advice after an OOM kill. Shared by the core, the hosts
// (REST, metrics) and the dashboard; plain data, no Node.

/**
 * 'fits': loads and runs a full context. 'tight': it runs, but mmap'ed
 * weights are re-read from disk or the room is under 10 %. 'killed-on-prompt':
 * it loads and answers short prompts, but the compute buffers a long prompt
 * touches take it over (llama.cpp reserves them at load and writes them only
 * when a batch that size runs). 'wont-fit': it does not load.
 */
export type FitVerdict = 'fits' | 'tight' | 'killed-on-prompt' | 'wont-fit' | 'unknown';

/** Where a part lives: the host's RAM or a GPU (by its index among the GPUs given). */
export type FitDevice = 'CPU' | `GPU${number}`;

/** 'work': the CPU backend's scratch buffer (a matrix product's input converted to the weights' dot-product type), beside the compute graph. */
export type FitPartKind = 'weights' | 'kv' | 'recurrent' | 'compute' | 'work' | 'output' | 'overhead';

export interface FitPart {
  kind: FitPartKind;
  device: FitDevice;
  bytes: number;
  /**
   * 'file': mmap'ed model pages — page cache, reclaimable (re-read from disk
   * under pressure), still charged to a memory cgroup. 'anon': heap — KV
   * cache, compute buffers, weights with --no-mmap/--mlock; only swap frees it.
   */
  backing: 'file' | 'anon';
  /** What a person reads: 'layers 0–31 + output (F16)', '32768 cells × 32 layers, f16'. */
  detail: string;
}

export interface FitDeviceTotal {
  device: FitDevice;
  /** Which layers live here: 'input, layers 0–19' / 'layers 20–31, output'. */
  layers: string;
  bytes: number;
  anon: number;
  file: number;
}

export type FitBudgetSource = 'MemAvailable' | 'memoryLimit' | 'VRAM' | 'GTT';

export interface FitBudget {
  source: FitBudgetSource;
  device: FitDevice;
  /** What there is (for MemAvailable: plus what the backend's own running instance holds). */
  available: number;
  /** What the prediction charges against it. */
  needed: number;
  /** Of `needed`, what only swap frees: anonymous memory (and locked weights) at a full context. */
  neededAnon: number;
  /** The anonymous memory it holds once loaded, before a long prompt (the GPUs: everything, allocated at load). */
  atLoad: number;
  verdict: Exclude<FitVerdict, 'unknown'>;
  /** 'killed-on-prompt': the prompt length (tokens in the context) whose compute buffers go over. */
  killedAt: FitKilledAt | null;
  /** One line: why this verdict ('anonymous part 9.3 GiB > limit 8 GiB'). */
  why: string;
}

export interface FitKilledAt {
  /** Tokens in the context when the kill comes (~, rounded as llama.cpp pads the cache to 256 cells). */
  tokens: number;
  /** The first full batch already kills (tokens ≤ ubatch): any prompt of a full batch does, whatever the context. */
  fullBatch: boolean;
  ubatch: number;
}

/** The settings the prediction used, resolved (defaults filled in). */
export interface FitSettings {
  ctx: number;
  /** 'flag': -c N; 'trained': the model's context; 'fitted': llama.cpp's --fit would shrink an unset context to this. */
  ctxSource: 'flag' | 'trained' | 'fitted';
  parallel: number;
  kvUnified: boolean;
  cacheTypeK: string;
  cacheTypeV: string;
  ubatch: number;
  flashAttn: boolean;
  mmap: boolean;
  mlock: boolean;
  swaFull: boolean;
  gpuLayers: number;
}

export interface FitModelInfo {
  path: string;
  files: number;
  fileBytes: number;
  arch: string;
  name: string | null;
  layers: number;
  ctxTrain: number;
  /** Identity that survives a rename: size + sha256 of the header bytes. */
  id: string;
}

/** A measured run's figures that the prediction used. */
export interface FitMeasuredBasis {
  /** 'same': the same model and memory flags ran before; 'corrected': another context/cache type of this model. */
  kind: 'same' | 'corrected';
  at: number;
  measuredBytes: number;
  /** "measured on the last run: 7.4 GiB at -c 8192 (f16)" */
  note: string;
}

export interface FitFormula {
  total: number;
  weights: number;
  /** CPU weights held as anonymous memory (--no-mmap, --mlock). */
  weightsAnon: number;
  kv: number;
  recurrent: number;
  output: number;
  compute: number;
  /** The CPU backend's work buffer (not in llama-server's own compute figure). */
  work: number;
}

export interface FitEstimate {
  verdict: Exclude<FitVerdict, 'unknown'>;
  /** One line for the card and events. */
  why: string;
  model: FitModelInfo;
  settings: FitSettings;
  parts: FitPart[];
  devices: FitDeviceTotal[];
  total: number;
  anon: number;
  file: number;
  /** What it holds once loaded, before its first long prompt (KV cache cleared and so resident; compute buffers untouched). */
  atLoad: { total: number; anon: number };
  /** Where 'killed-on-prompt' comes from: the deciding budget's prompt length. */
  killedAt: FitKilledAt | null;
  budgets: FitBudget[];
  /** The formula's own figures at these settings, before any correction (the measurement store keeps them beside what a run took). */
  formula: FitFormula;
  /** The formula alone, or corrected by what earlier runs really took. */
  basis: 'formula' | 'measured';
  measured: FitMeasuredBasis | null;
  /** Memory effects not included or uncertain (draft model, prompt cache growth, repacking…). */
  notes: string[];
}

export interface FitUnknown {
  verdict: 'unknown';
  why: string;
}

export type FitPrediction = FitEstimate | FitUnknown;

/** What the advice after an OOM kill says, as data and as one paragraph. */
export interface FitAdvice {
  /** "killed at 12.9 GiB anon; weights 7.2 GiB + KV cache 4.0 GiB at -c 32768 (f16); 9.8 GiB was available." */
  diagnosis: string;
  options: { flags: string[]; needed: number; text: string }[];
  /** diagnosis + options in one paragraph. */
  text: string;
}

// ---- a backend's fit, as the state carries it ------------------------------------
// The prediction made before its last start (cut down to what the card, REST
// and /metrics show), what the run really took, and the advice after an OOM
// kill. Plain JSON and small: it crosses IPC and WebSocket in every snapshot.

/** What a backend's start does with a `wont-fit` prediction. */
export type FitPolicy = 'warn' | 'refuse';
export const FIT_POLICIES: readonly FitPolicy[] = ['warn', 'refuse'];

export interface FitMeasurementView {
  /** "predicted 7.4 GiB, took 7.1 GiB (+4 %)" */
  text: string;
  predicted: number;
  /** The run's peak (the tree's RSS or the cgroup's peak, whichever is higher), bytes. */
  measured: number;
  /** (predicted − measured) / measured. */
  error: number;
  at: number;
  /** false: recorded when the run became ready; true: at its end, with the run's peak. */
  final: boolean;
}

export interface FitAdviceView {
  /** Diagnosis and what would fit, one paragraph. */
  text: string;
  /** The killed process. */
  pid: number;
  at: number;
  options: { flags: string[]; needed: number }[];
}

export interface BackendFit {
  /** ms since epoch of the prediction (made before the last start). */
  at: number;
  policy: FitPolicy;
  verdict: FitVerdict;
  /** One line: "won't load — needs 162 MiB (148 MiB anon), limit 64.0 MiB" or "no prediction: …". */
  headline: string;
  /** The estimate's own sentence, or why there is none. */
  why: string;
  /** Bytes; null when nothing was predicted. `atLoadAnon`: anonymous memory once loaded, before a long prompt. */
  predicted: { total: number; anon: number; file: number; atLoadAnon: number } | null;
  /** The verdict is 'killed-on-prompt': at which prompt length. */
  killedAt: FitKilledAt | null;
  parts: FitPart[];
  /** The formula alone, or corrected by measured runs (`basisNote` says which run). */
  basis: FitEstimate['basis'] | null;
  basisNote: string | null;
  notes: string[];
  /** This start was refused by the policy (the next start clears it). */
  refused: boolean;
  /** The user started it despite a refusing prediction. */
  startedAnyway: boolean;
  /** What the run took, once it was ready. */
  measurement: FitMeasurementView | null;
  /** After an OOM kill: why, and what would fit. */
  advice: FitAdviceView | null;
}
