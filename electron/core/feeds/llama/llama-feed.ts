// The core's llama-server seams: for each process of a backend whose command
// is llama-server (or that says `llama: true`), tick work that follows its
// log and API into the backend's `llama` view (process-watch.ts), and an exit
// explainer that reads why it died from its log's last lines — "exited with
// code 1: model file not found: /models/x.gguf" — beside what the kernel
// says (signal, OOM kill), which the supervisor records itself.
import { classifyDeath } from '../../llama/death-reason.js';
import type { ExitExplainer, TickWorkFactory } from '../../supervisor/seams.js';
import { isLlamaBackend } from './llama-backend.js';
import type { TailedLog } from './log-follower.js';
import { LlamaProcessWatch } from './process-watch.js';

export { apiKeyOf, isLlamaBackend } from './llama-backend.js';

export interface LlamaSeamDeps {
  /** The tailer of a backend's log. */
  log(id: string): TailedLog;
}

export interface LlamaSeams {
  tickWork: TickWorkFactory;
  explainer: ExitExplainer;
}

/** 'Model file not found: /x' reads on after 'exited with code 1: ' in lower case; 'GPU …' keeps its capitals. */
const continuing = (s: string): string => (/^[A-Z](?:[a-z ]|$)/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

export function llamaSeams(deps: LlamaSeamDeps): LlamaSeams {
  // The latest process's watch per backend: its exit is explained after the supervisor let go of it.
  const watches = new Map<string, LlamaProcessWatch>();

  const tickWork: TickWorkFactory = (cfg, proc, backend) => {
    const before = watches.get(cfg.id);
    before?.reset();
    if (!isLlamaBackend(cfg)) {
      if (before) watches.delete(cfg.id);
      backend.setLlama(null);
      return null;
    }
    const watch = new LlamaProcessWatch(cfg, proc, {
      log: deps.log(cfg.id),
      publish: (v) => backend.setLlama(v),
      config: () => backend.config(),
      lastDeath: before?.death ?? null,
    });
    watches.set(cfg.id, watch);
    return watch;
  };

  const explainer: ExitExplainer = ({ cfg, exit, logTail }) => {
    if (!isLlamaBackend(cfg)) return null;
    const lines = logTail.split('\n');
    const watch = watches.get(cfg.id);
    const reason = watch && watch.pid === exit.pid ? watch.explainExit(lines) : classifyDeath(lines);
    if (!reason) return null;
    const note = continuing(reason.summary);
    if (reason.kind !== 'gpu-oom') return note;
    return { note, gpuOom: { device: reason.gpu?.device ?? null, bytes: reason.gpu?.bytes ?? null, summary: reason.summary, line: reason.line } };
  };

  return { tickWork, explainer };
}
