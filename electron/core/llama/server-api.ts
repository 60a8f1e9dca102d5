// Reads what a running llama-server says about itself: /props (context
// size, slots, model path, build), /slots (which slots are busy), /metrics
// (requests, throughput; only when started with --metrics). The caller
// decides when — at the probe's pace, never more often. An endpoint the
// server does not offer (404, 501 "start it with --metrics"/"--slots", 401
// without the API key) is remembered as absent and not asked again for this
// process; 503 means "still loading", asked again next time. Reads share one
// kept-alive connection per server (closed by retarget() and close()).
import { Agent } from 'node:http';
import type { LlamaEndpointState, LlamaEndpoints } from '../../common/llama.js';
import { httpRequest, type HttpResponse } from './http-request.js';
import { readLlamaMetrics, type LlamaMetricsReading } from './metrics.js';

export interface LlamaApiTarget {
  port: number;
  host?: string;
  /** Per request; default 2000 ms. */
  timeoutMs?: number;
  apiKey?: string | null;
}

export interface LlamaProps {
  contextSize: number | null;
  totalSlots: number | null;
  modelPath: string | null;
  /** 'b1-80fb11a'. */
  build: string | null;
  sleeping: boolean | null;
}

export interface LlamaSlotsReading {
  total: number;
  busy: number;
  contextPerSlot: number | null;
}

export type Reading<T> =
  | { ok: true; value: T; latencyMs: number }
  /** `absent`: the endpoint is not offered (remembered). Otherwise a failure this time (timeout, 503 while loading, bad body). */
  | { ok: false; absent: boolean; detail: string };

type Endpoint = keyof LlamaEndpoints;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

// One socket per server, kept while idle (the agent unrefs it: it never keeps Vigil running).
const newAgent = (): Agent => new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 });

export class LlamaServerApi {
  private state: LlamaEndpoints = { props: 'unknown', slots: 'unknown', metrics: 'unknown' };
  private agent = newAgent();

  constructor(private target: LlamaApiTarget) {}

  /** Closes the kept connection; the reader may be used again (it opens a new one). */
  close(): void {
    this.agent.destroy();
    this.agent = newAgent();
  }

  get endpoints(): LlamaEndpoints {
    return { ...this.state };
  }

  /** A new process on (maybe) another port: forget what was learnt about the old one. */
  retarget(target: LlamaApiTarget): void {
    this.close();
    this.target = target;
    this.state = { props: 'unknown', slots: 'unknown', metrics: 'unknown' };
  }

  available(e: Endpoint): boolean {
    return this.state[e] !== 'absent';
  }

  props(): Promise<Reading<LlamaProps>> {
    return this.read('props', '/props', undefined, (body) => {
      const o = JSON.parse(body) as Record<string, unknown>;
      const gen = (o.default_generation_settings ?? {}) as Record<string, unknown>;
      return {
        contextSize: num(gen.n_ctx) ?? num(o.n_ctx),
        totalSlots: num(o.total_slots),
        modelPath: str(o.model_path),
        build: str(o.build_info),
        sleeping: typeof o.is_sleeping === 'boolean' ? o.is_sleeping : null,
      };
    });
  }

  /** `timeoutMs` overrides the target's for this read. */
  slots(timeoutMs?: number): Promise<Reading<LlamaSlotsReading>> {
    return this.read('slots', '/slots', timeoutMs, (body) => {
      const list = JSON.parse(body) as unknown;
      if (!Array.isArray(list)) throw new Error('not a list of slots');
      let busy = 0;
      let ctx: number | null = null;
      for (const s of list as Record<string, unknown>[]) {
        // is_processing since 2024; before that `state` (0 idle, 1 processing).
        if (s.is_processing === true || (s.is_processing === undefined && typeof s.state === 'number' && s.state !== 0)) busy++;
        ctx ??= num(s.n_ctx);
      }
      return { total: list.length, busy, contextPerSlot: ctx };
    });
  }

  metrics(timeoutMs?: number): Promise<Reading<LlamaMetricsReading>> {
    return this.read('metrics', '/metrics', timeoutMs, readLlamaMetrics);
  }

  private async read<T>(e: Endpoint, path: string, timeoutMs: number | undefined, parse: (body: string) => T): Promise<Reading<T>> {
    if (this.state[e] === 'absent') return { ok: false, absent: true, detail: `${path} not offered by this server` };
    let res: HttpResponse;
    try {
      res = await httpRequest({ host: this.target.host, port: this.target.port, path, timeoutMs: timeoutMs ?? this.target.timeoutMs ?? 2000, apiKey: this.target.apiKey, agent: this.agent });
    } catch (err) {
      return { ok: false, absent: false, detail: `${path}: ${(err as Error).message}` };
    }
    if (res.status === 404 || res.status === 501 || res.status === 401 || res.status === 403) {
      this.state[e] = 'absent';
      const why = res.status === 501 ? 'not enabled' : res.status === 404 ? 'not found' : 'needs the API key';
      return { ok: false, absent: true, detail: `${path}: HTTP ${res.status} (${why})` };
    }
    if (res.status !== 200) return { ok: false, absent: false, detail: `${path}: HTTP ${res.status}${res.status === 503 ? ' (loading)' : ''}` };
    try {
      const value = parse(res.body);
      this.state[e] = 'available' satisfies LlamaEndpointState;
      return { ok: true, value, latencyMs: res.latencyMs };
    } catch (err) {
      return { ok: false, absent: false, detail: `${path}: unreadable answer (${(err as Error).message})` };
    }
  }
}
