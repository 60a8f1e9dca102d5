// `vigil fit MODEL.gguf [llama-server flags…]` and `vigil fit --backend ID`:
// the predicted memory, part by part and device by device, and the verdict
// against this machine (MemAvailable, the backend's memoryLimit, GPUs).
// Exit code: 0 fits or tight, 3 won't load, 4 loads but a long prompt is
// killed, 1 no prediction, 2 bad usage.
import path from 'node:path';
import type { FitEstimate, FitPrediction } from '../common/fit.js';
import { verdictWord } from '../common/fit-view.js';
import type { GpuMemory } from '../common/state.js';
import { formatBytes, formatConfigIssue } from '../common/format.js';
import { OOM_SCORE_ADJ_DEFAULT, parseSize } from '../common/config-schema.js';
import { loadConfig } from '../core/config/index.js';
import { machineNow, MeasurementStore, predictFit } from '../core/fit/index.js';
import { createGpuSources } from '../core/gpu/index.js';
import { SystemMemoryReader } from '../core/memory/index.js';
import { resolveConfigPath, resolveStateDir } from '../core/paths.js';

export const FIT_HELP = `usage: vigil fit MODEL.gguf [llama-server flags…] [--memory-limit SIZE] [--json]
       vigil fit --backend ID [--config P] [--json]

Predicts what llama-server will take with these flags (-c, -np, -ctk/-ctv, -ngl,
-ub, -fa, --no-mmap, --mlock, --swa-full…), from the model's header only, and
judges it against MemAvailable, the memory limit and the GPUs. Runs measured
by 'vigil serve' correct the prediction (state directory: --state-dir D).
Exit code: 0 fits or tight, 3 won't load, 4 loads but is killed on a long prompt
(the compute buffers a big batch writes), 1 cannot predict, 2 bad usage.
`;

export interface FitIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
}

class Usage extends Error {}

/** The GPUs through the same sources the sampler reads (NVML, nvidia-smi, amdgpu, DRM fdinfo), once. */
async function gpus(env: NodeJS.ProcessEnv): Promise<GpuMemory[]> {
  const hostMemory = (): { total: number; available: number } | null => {
    const r = new SystemMemoryReader();
    try {
      const m = r.read();
      return { total: m.memTotal, available: m.memAvailable };
    } catch {
      return null;
    } finally {
      r.close();
    }
  };
  const sources = createGpuSources({ nvidiaSmi: undefined, hostMemory }, env);
  try {
    return (await sources.read([])).devices;
  } finally {
    sources.close();
  }
}

const KIND: Record<string, string> = { weights: 'weights', kv: 'KV cache', recurrent: 'recurrent', compute: 'compute', work: 'work buf', output: 'output', overhead: 'process' };

export function formatEstimate(p: FitEstimate): string {
  const s = p.settings;
  const lines: string[] = [];
  lines.push(`model    ${p.model.path}${p.model.files > 1 ? ` (+${p.model.files - 1} shards)` : ''}`);
  lines.push(`         ${p.model.arch}${p.model.name ? ` "${p.model.name}"` : ''}, ${p.model.layers} layers, trained context ${p.model.ctxTrain}, ${formatBytes(p.model.fileBytes)}`);
  const ctx = s.ctxSource === 'flag' ? `-c ${s.ctx}` : s.ctxSource === 'trained' ? `context ${s.ctx} (trained)` : `context ~${s.ctx} (--fit)`;
  lines.push(`settings ${ctx} · ${s.parallel} slots${s.kvUnified ? ' (unified KV)' : ''} · K ${s.cacheTypeK} / V ${s.cacheTypeV} · ubatch ${s.ubatch} · ${s.flashAttn ? 'flash attention' : 'no flash attention'} · ${s.mlock ? 'mlock' : s.mmap ? 'mmap' : 'no mmap'}${s.gpuLayers ? ` · ${s.gpuLayers} layers on GPU` : ''}`);
  for (const d of p.devices) {
    lines.push('', `${d.device} (${d.layers})`);
    for (const part of p.parts.filter((x) => x.device === d.device)) {
      lines.push(`  ${(KIND[part.kind] ?? part.kind).padEnd(9)} ${formatBytes(part.bytes).padStart(9)}  ${part.backing.padEnd(4)}  ${part.detail}`);
    }
    lines.push(`  ${'total'.padEnd(9)} ${formatBytes(d.bytes).padStart(9)}  (anon ${formatBytes(d.anon)}, file ${formatBytes(d.file)})`);
  }
  lines.push('', `at load  ${formatBytes(p.atLoad.total)} (anon ${formatBytes(p.atLoad.anon)}): the KV cache is written at load, the compute buffers when a batch first runs`);
  if (p.budgets.length) {
    lines.push('', 'against');
    for (const b of p.budgets) lines.push(`  ${`${b.source}${b.device !== 'CPU' ? ` ${b.device}` : ''}`.padEnd(13)} ${verdictWord(b.verdict).padEnd(23)} ${b.why}`);
  }
  lines.push('', `verdict: ${verdictWord(p.verdict)} — ${p.why}`);
  if (p.notes.length) lines.push('', 'notes:', ...p.notes.map((n) => `  - ${n}`));
  return `${lines.join('\n')}\n`;
}

export async function runFit(args: string[], io: FitIo): Promise<number> {
  let json = false;
  let backend: string | null = null;
  let config: string | null = null;
  let stateDir: string | null = null;
  let limit: number | null = null;
  const rest: string[] = [];
  try {
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const val = (): string => {
        const v = args[++i];
        if (v === undefined) throw new Usage(`${a} needs a value`);
        return v;
      };
      if (a === '--help' || a === '-h') {
        io.stdout.write(FIT_HELP);
        return 0;
      } else if (a === '--json') json = true;
      else if (a === '--backend') backend = val();
      else if (a === '--config') config = val();
      else if (a === '--state-dir') stateDir = val();
      else if (a === '--memory-limit') {
        const v = val();
        limit = parseSize(v);
        if (limit === null) throw new Usage(`--memory-limit: '${v}' is not a size (e.g. 48G, 512MiB)`);
      } else rest.push(a);
    }
    if (backend === null && rest.length === 0) throw new Usage('fit: give MODEL.gguf [llama-server flags…] or --backend ID (see vigil fit --help)');
    if (backend !== null && rest.length) throw new Usage(`fit: --backend takes its flags from the config; unexpected '${rest[0]}'`);
  } catch (e) {
    if (e instanceof Usage) {
      io.stderr.write(`vigil ${e.message}\n`);
      return 2;
    }
    throw e;
  }

  let argv: string[];
  let cwd: string | null = null;
  let env: Record<string, string> | undefined;
  let llama: boolean | null = null;
  let oom: { scoreAdj: number; onPressure: string; priority: number } = { scoreAdj: OOM_SCORE_ADJ_DEFAULT, onPressure: 'stop', priority: 10 };
  if (backend !== null) {
    const file = config ? path.resolve(config) : resolveConfigPath([], io.env);
    const r = await loadConfig(file);
    if (!r.ok) {
      for (const i of r.issues) io.stderr.write(`vigil fit: ${formatConfigIssue(i)}\n`);
      return 2;
    }
    const b = r.config.backends[backend];
    if (!b) {
      io.stderr.write(`vigil fit: no backend '${backend}' in ${file} (there: ${Object.keys(r.config.backends).join(', ') || 'none'})\n`);
      return 2;
    }
    argv = b.cmd;
    cwd = b.cwd;
    env = b.env;
    llama = b.llama;
    limit ??= b.memoryLimit;
    oom = b.oom;
  } else {
    const [model, ...flags] = rest;
    argv = ['llama-server', '-m', model!, ...flags];
  }

  const { store, warning } = await MeasurementStore.open(stateDir ? path.resolve(stateDir) : resolveStateDir(io.env));
  if (warning) io.stderr.write(`vigil fit: ${warning}\n`);
  const machine = await machineNow({ memoryLimit: limit, gpus: await gpus(io.env) });
  const p: FitPrediction = await predictFit({ argv, cwd, env, llama, machine, store });
  if (json) io.stdout.write(`${JSON.stringify({ ...p, oom }, null, 2)}\n`);
  else if (p.verdict === 'unknown') io.stderr.write(`vigil fit: no prediction: ${p.why}\n`);
  else io.stdout.write(formatEstimate(p));
  if (!json) io.stdout.write(`kill priority: oom_score_adj ${oom.scoreAdj}${backend === null ? ' (the default oom.scoreAdj)' : ''}; under memory pressure: ${oom.onPressure}, priority ${oom.priority} (lower is shed first)\n`);
  return p.verdict === 'unknown' ? 1 : p.verdict === 'wont-fit' ? 3 : p.verdict === 'killed-on-prompt' ? 4 : 0;
}
