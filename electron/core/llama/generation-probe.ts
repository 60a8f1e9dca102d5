// A one-token completion, to find a server whose /health answers while
// inference is stuck (a CUDA error it survived, a wedged main loop). It must
// not disturb users, so it runs only when every slot is idle, asked of /slots
// (or /metrics requests_processing) right before. llama-server answers both
// from its main loop, so a loop that is stuck leaves that question
// unanswered too: the busy check shares the probe's deadline and a timeout
// there is a failure, not a reason to skip.
//
// Proposed config (per backend, opt-in):
//   health: { generate: { every: 60s, timeout: 30s } }
import type { LlamaGenerationProbe } from '../../common/llama.js';
import { httpRequest } from './http-request.js';
import type { LlamaServerApi } from './server-api.js';

export interface GenerationProbeOptions {
  port: number;
  host?: string;
  timeoutMs: number;
  apiKey?: string | null;
  /** Asked whether a slot is busy (and what it learnt about absent endpoints is kept). */
  api: LlamaServerApi;
  now?: () => number;
}

// A short prompt, one token, no reuse of or addition to the prompt cache a user's conversation may be using.
const REQUEST = { prompt: 'Hello', n_predict: 1, cache_prompt: false, temperature: 0 };

export async function runGenerationProbe(o: GenerationProbeOptions): Promise<LlamaGenerationProbe> {
  const now = o.now ?? Date.now;
  const at = now();
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const result = (outcome: LlamaGenerationProbe['outcome'], detail: string, latencyMs: number | null = null): LlamaGenerationProbe => ({ at, outcome, latencyMs, detail });

  const busy = await busySlots(o.api, o.timeoutMs);
  if (busy.kind === 'busy') return result('skipped', busy.detail);
  if (busy.kind === 'timeout') return result('failed', `${busy.detail} (the server's main loop did not answer)`, elapsed());
  const remaining = Math.max(1, o.timeoutMs - elapsed());
  try {
    const res = await httpRequest({ host: o.host, port: o.port, path: '/completion', method: 'POST', body: REQUEST, timeoutMs: remaining, apiKey: o.apiKey, maxBytes: 1024 * 1024 });
    if (res.status !== 200) return result('failed', `HTTP ${res.status}${snippet(res.body)}`, elapsed());
    const body = JSON.parse(res.body) as { tokens_predicted?: unknown; content?: unknown };
    const n = typeof body.tokens_predicted === 'number' ? body.tokens_predicted : null;
    if (n === 0) return result('failed', 'the server answered but generated no token', elapsed());
    return result('ok', `generated ${n ?? 1} token in ${elapsed()} ms`, elapsed());
  } catch (err) {
    const msg = (err as Error).message;
    return result('failed', msg.startsWith('timeout') ? `no token within ${o.timeoutMs} ms` : msg, elapsed());
  }
}

type Busy = { kind: 'idle' } | { kind: 'busy'; detail: string } | { kind: 'timeout'; detail: string };

async function busySlots(api: LlamaServerApi, timeoutMs: number): Promise<Busy> {
  if (api.available('slots')) {
    const s = await api.slots(timeoutMs);
    if (s.ok) return s.value.busy > 0 ? { kind: 'busy', detail: `${s.value.busy} of ${s.value.total} slots busy` } : { kind: 'idle' };
    if (s.detail.includes('timeout')) return { kind: 'timeout', detail: s.detail };
  }
  if (api.available('metrics')) {
    const m = await api.metrics(timeoutMs);
    if (m.ok) {
      const n = m.value.requestsProcessing;
      return n !== null && n > 0 ? { kind: 'busy', detail: `${n} request${n === 1 ? '' : 's'} processing` } : { kind: 'idle' };
    }
    if (m.detail.includes('timeout')) return { kind: 'timeout', detail: m.detail };
  }
  // Neither tells: probe anyway (a server that offers neither cannot be disturbed less).
  return { kind: 'idle' };
}

function snippet(body: string): string {
  const t = body.trim().replace(/\s+/g, ' ');
  return t ? `: ${t.length > 160 ? `${t.slice(0, 160)}…` : t}` : '';
}
