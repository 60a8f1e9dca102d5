// What runs really took, kept per model (size + header hash, so a renamed
// file is the same model) and per set of memory flags, in one small readable
// JSON file in the state directory. A later prediction for the same model
// uses it: the same flags → the measured figure; another context size or
// cache type → the formula corrected by the measured KV per cell and the
// measured rest (process, touched compute, libraries). A corrupt file is set
// aside and rebuilt; the problem is returned as a warning, never thrown.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { FitEstimate, FitSettings } from '../../common/fit.js';
import { formatBytes } from '../../common/format.js';
import type { Correction } from './estimate.js';
import { sumBytes, type ServerMemoryLog } from './server-log.js';

export const MEASUREMENTS_FILE = 'fit-measurements.json';
const MAX_RUNS_PER_MODEL = 12;
const MAX_MODELS = 200;

const settingsSchema = z.object({
  ctx: z.number(),
  ctxSource: z.enum(['flag', 'trained', 'fitted']),
  parallel: z.number(),
  kvUnified: z.boolean(),
  cacheTypeK: z.string(),
  cacheTypeV: z.string(),
  ubatch: z.number(),
  flashAttn: z.boolean(),
  mmap: z.boolean(),
  mlock: z.boolean(),
  swaFull: z.boolean(),
  gpuLayers: z.number(),
});

const runSchema = z.object({
  key: z.string(),
  at: z.number(),
  settings: settingsSchema,
  formula: z.object({ total: z.number(), weights: z.number(), weightsAnon: z.number(), kv: z.number(), recurrent: z.number(), output: z.number(), compute: z.number(), work: z.number().default(0) }),
  predicted: z.number(),
  measured: z.object({
    /** The figure predictions are judged against: the highest of the tree's RSS and the cgroup's peak. */
    peak: z.number(),
    rss: z.number(),
    anon: z.number(),
    file: z.number(),
    cgroupPeak: z.number().nullable(),
    log: z.object({ model: z.number(), modelAnon: z.number(), kv: z.number(), recurrent: z.number(), output: z.number(), compute: z.number() }).nullable(),
  }),
  /** (predicted − measured) / measured. */
  error: z.number(),
});

const fileSchema = z.object({
  version: z.literal(1),
  models: z.record(z.string(), z.object({ path: z.string(), runs: z.array(runSchema) })),
});

export type MeasuredRun = z.infer<typeof runSchema>;
type FileShape = z.infer<typeof fileSchema>;

/** The memory flags that make two runs comparable. */
export function settingsKey(s: FitSettings): string {
  return [`c${s.ctx}`, `np${s.parallel}${s.kvUnified ? 'u' : ''}`, `k${s.cacheTypeK}`, `v${s.cacheTypeV}`, `ub${s.ubatch}`, s.flashAttn ? 'fa' : 'nofa', s.mmap ? 'mmap' : 'nommap', s.mlock ? 'mlock' : '', s.swaFull ? 'swafull' : '', `ngl${s.gpuLayers}`]
    .filter(Boolean)
    .join(' ');
}

export const describeSettings = (s: Pick<FitSettings, 'ctx' | 'cacheTypeK' | 'cacheTypeV'>): string =>
  `-c ${s.ctx} (${s.cacheTypeK === s.cacheTypeV ? s.cacheTypeK : `${s.cacheTypeK}/${s.cacheTypeV}`})`;

export interface MeasuredInput {
  /** The tree's RSS split (bytes) at its peak so far (after ready, or at the end of the run). */
  rss: number;
  anon: number;
  file: number;
  /** The backend cgroup's peak charge, when it has one. */
  cgroupPeak?: number | null;
  /** llama-server's own figures (-lv 4), when it printed them. */
  log?: ServerMemoryLog | null;
}

export interface RecordResult {
  run: MeasuredRun;
  /** "predicted 7.4 GiB, took 7.1 GiB (+4 %)" */
  text: string;
}

export class MeasurementStore {
  private data: FileShape = { version: 1, models: {} };
  private writing: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {}

  /** Opens (or starts) the store in `stateDir`; `warning` says what was wrong with a file that had to be rebuilt. */
  static async open(stateDir: string): Promise<{ store: MeasurementStore; warning: string | null }> {
    const store = new MeasurementStore(path.join(stateDir, MEASUREMENTS_FILE));
    let text: string;
    try {
      text = await readFile(store.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { store, warning: null };
      return { store, warning: `${store.file}: cannot read (${(e as Error).message}); measurements start afresh` };
    }
    let problem: string;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(text));
      if (parsed.success) {
        store.data = parsed.data;
        return { store, warning: null };
      }
      const issue = parsed.error.issues[0]!;
      problem = `${issue.path.join('.') || 'top level'}: ${issue.message}`;
    } catch (e) {
      problem = (e as Error).message;
    }
    const aside = `${store.file}.corrupt`;
    await rename(store.file, aside).catch(() => undefined);
    return { store, warning: `${store.file} is corrupt (${problem}); set aside as ${path.basename(aside)}, measurements start afresh` };
  }

  runs(modelId: string): readonly MeasuredRun[] {
    return this.data.models[modelId]?.runs ?? [];
  }

  /**
   * Records what a run took, for the prediction made before it started. Call it
   * when the run is ready and again when it ends (with its final peak): the
   * highest peak for the same model and flags is kept.
   */
  async record(prediction: FitEstimate, m: MeasuredInput): Promise<RecordResult> {
    const key = settingsKey(prediction.settings);
    const model = (this.data.models[prediction.model.id] ??= { path: prediction.model.path, runs: [] });
    model.path = prediction.model.path;
    const prev = model.runs.find((r) => r.key === key);
    const log = m.log
      ? {
          model: sumBytes(m.log.model),
          modelAnon: sumBytes(m.log.model, (b) => !/_Mapped$/.test(b)),
          kv: sumBytes(m.log.kv),
          recurrent: sumBytes(m.log.recurrent),
          output: sumBytes(m.log.output),
          compute: sumBytes(m.log.compute),
        }
      : (prev?.measured.log ?? null);
    const peakNow = Math.max(m.rss, m.cgroupPeak ?? 0);
    // Keep the split of the higher peak: it is the one a later prediction must cover.
    const useNew = !prev || peakNow >= prev.measured.peak;
    const measured = useNew
      ? { peak: peakNow, rss: m.rss, anon: m.anon, file: m.file, cgroupPeak: m.cgroupPeak ?? null, log }
      : { ...prev.measured, log };
    const run: MeasuredRun = {
      key,
      at: Date.now(),
      settings: prediction.settings,
      formula: prediction.formula,
      predicted: prediction.total,
      measured,
      error: (prediction.total - measured.peak) / measured.peak,
    };
    model.runs = [run, ...model.runs.filter((r) => r.key !== key)].slice(0, MAX_RUNS_PER_MODEL);
    const ids = Object.keys(this.data.models);
    if (ids.length > MAX_MODELS) {
      const oldest = ids.sort((a, b) => (this.data.models[a]!.runs[0]?.at ?? 0) - (this.data.models[b]!.runs[0]?.at ?? 0))[0]!;
      delete this.data.models[oldest];
    }
    await this.save();
    const pct = Math.round(run.error * 100);
    return { run, text: `predicted ${formatBytes(prediction.total)}, took ${formatBytes(measured.peak)} (${pct >= 0 ? '+' : ''}${pct} %)` };
  }

  /** What earlier runs of this model say about `settings`, or null when none applies (another placement, or none measured). */
  correctionFor(modelId: string, settings: FitSettings): Correction | null {
    const runs = this.runs(modelId).filter((r) => r.settings.gpuLayers === 0 && settings.gpuLayers === 0);
    const key = settingsKey(settings);
    const same = runs.find((r) => r.key === key);
    const r = same ?? runs[0];
    if (!r) return null;
    return correctionFrom(r, same ? 'same' : 'corrected');
  }

  private save(): Promise<void> {
    const text = `${JSON.stringify(this.data, null, 1)}\n`;
    this.writing = this.writing.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file);
    });
    return this.writing;
  }
}

export function correctionFrom(r: MeasuredRun, kind: 'same' | 'corrected'): Correction {
  const f = r.formula;
  const m = r.measured;
  const kvFactor = m.log && f.kv > 0 ? m.log.kv / f.kv : 1;
  // With mmap the log tells which weights became heap (repacked); without mmap all are.
  const weightsAnonShare = !r.settings.mmap ? 1 : m.log && m.log.model > 0 ? m.log.modelAnon / m.log.model : null;
  const weightsAnon = weightsAnonShare === null ? f.weightsAnon : f.weights * weightsAnonShare;
  const kvMeasured = f.kv * kvFactor;
  const restAnon = Math.max(0, m.anon - weightsAnon - kvMeasured - f.recurrent - f.output);
  // The cgroup also charges page cache that is not mapped: count what it saw beyond the RSS as file-backed rest.
  const restFile = Math.max(0, m.file - (f.weights - weightsAnon)) + Math.max(0, (m.cgroupPeak ?? 0) - m.rss);
  const when = describeSettings(r.settings);
  const note = kind === 'same' ? `measured on the last run: ${formatBytes(m.peak)}` : `corrected by the run at ${when}, which took ${formatBytes(m.peak)}`;
  return {
    kvFactor,
    restAnon,
    restFile,
    weightsAnonShare: r.settings.mmap ? weightsAnonShare : null,
    computeAtMeasured: f.compute + f.work,
    basis: { kind, at: r.at, measuredBytes: m.peak, note },
  };
}
