// One call from a backend's command line to a prediction: parse
// llama-server's flags, read the model's header, resolve the settings,
// correct by earlier measured runs, judge against the machine. Never throws
// for bad input: a command that is not llama-server, a model that cannot be
// read, or flags that make no sense give { verdict: 'unknown', why }.
import { ownMemoryLimit, readLimitedMachine } from '../cgroup/own-limit.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FitPrediction } from '../../common/fit.js';
import type { GpuMemory } from '../../common/state.js';
import { parseMeminfo } from '../memory/system.js';
import { estimate, modelId, resolvePlacement, resolveSettings, type FitEnvironment } from './estimate.js';
import { GgufError, readGgufHeader, type GgufHeader } from './gguf-header.js';
import type { MeasurementStore } from './measurements.js';
import { modelShape, ModelShapeError, type ModelShape } from './model-shape.js';
import { parseServerArgs, type ServerSettings } from './server-args.js';

export interface PredictInput {
  /** The backend's argv (config `cmd`, placeholders already substituted). */
  argv: readonly string[];
  /** The backend's working directory (a relative -m is resolved against it). */
  cwd?: string | null;
  /** The backend's environment (LLAMA_ARG_* count like flags). */
  env?: Record<string, string | undefined>;
  /** The backend's `llama:` setting (a wrapper of llama-server says true). */
  llama?: boolean | null;
  machine: FitEnvironment;
  store?: MeasurementStore | null;
}

export interface LoadedModel {
  header: GgufHeader;
  shape: ModelShape;
}

/** The header and shape of a model, or why they cannot be had (a sentence naming the file). */
export async function loadModel(file: string): Promise<LoadedModel | { why: string }> {
  try {
    const header = await readGgufHeader(file);
    return { header, shape: modelShape(header) };
  } catch (e) {
    if (e instanceof GgufError || e instanceof ModelShapeError) return { why: `cannot read the model: ${e.message}` };
    throw e;
  }
}

export async function predictFit(input: PredictInput): Promise<FitPrediction> {
  const parsed = parseServerArgs(input.argv, { cwd: input.cwd ?? undefined, env: input.env, llama: input.llama ?? null });
  if (!parsed.ok) return { verdict: 'unknown', why: parsed.why };
  const model = await loadModel(parsed.settings.model);
  if ('why' in model) return { verdict: 'unknown', why: model.why };
  return predictForModel(model, parsed.settings, input.machine, input.store ?? null, parsed.notes);
}

/** The prediction for a loaded model and settings (the advice asks this for other flags). */
export function predictForModel(model: LoadedModel, server: ServerSettings, machine: FitEnvironment, store: MeasurementStore | null, notes: string[] = []): FitPrediction {
  const { header, shape } = model;
  let correction = null;
  if (store) {
    const settings = { ...resolveSettings(shape, server), gpuLayers: resolvePlacement(shape, server, machine, []).gpuLayers };
    correction = store.correctionFor(modelId(header), settings);
  }
  return estimate({ header, shape, server, env: machine, correction, notes });
}

/** The host's side of the environment from /proc/meminfo; limits and GPUs come from the caller. */
export async function machineNow(opts: { procRoot?: string; memoryLimit?: number | null; ownInstanceBytes?: number; gpus?: GpuMemory[] } = {}): Promise<FitEnvironment> {
  const file = path.join(opts.procRoot ?? '/proc', 'meminfo');
  let memAvailable: number | null = null;
  let memTotal: number | null = null;
  try {
    const m = parseMeminfo(await readFile(file, 'utf8'), file);
    memAvailable = m.MemAvailable;
    memTotal = m.MemTotal;
  } catch {
    /* no meminfo: judged against the limit and GPUs only */
  }
  // Inside a limited memory cgroup, that limit is the machine where it is tighter.
  const own = opts.procRoot === undefined || opts.procRoot === '/proc' ? ownMemoryLimit() : null;
  const lim = own ? readLimitedMachine(own) : null;
  if (lim && (memTotal === null || lim.total < memTotal)) {
    memTotal = lim.total;
    memAvailable = memAvailable === null ? lim.available : Math.min(memAvailable, lim.available);
  }
  return { memAvailable, memTotal, memoryLimit: opts.memoryLimit ?? null, ownInstanceBytes: opts.ownInstanceBytes, gpus: opts.gpus };
}
