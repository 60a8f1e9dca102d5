// Everything Vigil knows about one llama-server process, as one LlamaView:
// its log (fed as it grows), its API (read once per tick, at the probe's
// pace, once it serves), the opt-in generation probe, and on exit the death
// reason from the log's last lines. The supervisor owns the process and the
// timing; this owns no timer and no process, so it is driven entirely by
// feedLog(), tick() and onExit() and emits a view only when it changed.
import { emptyLlamaView, type LlamaDeathReason, type LlamaGenerationProbe, type LlamaSlots, type LlamaView } from '../../common/llama.js';
import { classifyDeath } from './death-reason.js';
import { runGenerationProbe } from './generation-probe.js';
import { LlamaLogParser } from './log-parser.js';
import type { LlamaMetricsReading } from './metrics.js';
import { LlamaServerApi, type LlamaProps, type LlamaSlotsReading } from './server-api.js';

export interface LlamaMonitorOptions {
  port: number;
  host?: string;
  apiKey?: string | null;
  /** Timeout of each /props, /slots, /metrics read; default 2000 ms. */
  readTimeoutMs?: number;
  /** The opt-in generation probe (`health.generate`); null: never. */
  generate?: { everyMs: number; timeoutMs: number } | null;
  onUpdate: (view: LlamaView) => void;
  /** Each finished generation probe, for the supervisor's health policy. */
  onProbe?: (probe: LlamaGenerationProbe) => void;
  now?: () => number;
}

// Lines kept for the death reason: a failure's cascade is a dozen lines; a crash trace may be longer.
const TAIL_LINES = 200;

export class LlamaMonitor {
  private readonly parser = new LlamaLogParser();
  private readonly api: LlamaServerApi;
  private tail: string[] = [];
  private partial = '';
  private props: LlamaProps | null = null;
  private slots: LlamaSlotsReading | null = null;
  private metrics: LlamaMetricsReading | null = null;
  private lastProbe: LlamaGenerationProbe | null = null;
  private deathReason: LlamaDeathReason | null = null;
  private lastProbeStart = -Infinity;
  private ticking = false;
  private probing = false;
  private exited = false;
  private generation = 0;
  private emitted = '';
  private readonly now: () => number;

  constructor(private opts: LlamaMonitorOptions) {
    this.api = new LlamaServerApi({ port: opts.port, host: opts.host, apiKey: opts.apiKey, timeoutMs: opts.readTimeoutMs });
    this.now = opts.now ?? Date.now;
  }

  /**
   * A new process (a restart), maybe on another port: everything learnt
   * about the previous one is dropped. Feed its log from the offset where
   * this process started writing.
   */
  restart(port: number): void {
    this.opts = { ...this.opts, port };
    this.generation++;
    this.parser.reset();
    this.api.retarget({ port, host: this.opts.host, apiKey: this.opts.apiKey, timeoutMs: this.opts.readTimeoutMs });
    this.tail = [];
    this.partial = '';
    this.props = this.slots = this.metrics = null;
    this.lastProbe = this.deathReason = null;
    this.lastProbeStart = -Infinity;
    this.exited = false;
    // Reads and a probe still out for the old process finish unseen.
    this.ticking = this.probing = false;
    this.emit();
  }

  /** Log text as it is appended (any chunking). */
  feedLog(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > 64 * 1024) this.partial = '';
    if (lines.length) {
      this.tail.push(...lines);
      if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
    }
    if (this.parser.feed(chunk)) this.emit();
  }

  /**
   * One step at the probe's pace. `ready` is what the supervisor's /health
   * probe says; the API is read only when the server serves (or its log says
   * it listens). Overlapping calls are skipped: a stopped server makes a read
   * last its whole timeout.
   */
  async tick(ready: boolean): Promise<void> {
    if (this.ticking || this.exited) return;
    if (!ready && this.parser.facts().phase !== 'listening') return;
    this.ticking = true;
    const gen = this.generation;
    try {
      // /metrics says how many requests are processing, which is all a tick needs of /slots; so
      // /slots is read only until /metrics is known to answer, or when it does not.
      const wantSlots = this.api.available('slots') && this.api.endpoints.metrics !== 'available';
      const [props, slots, metrics] = await Promise.all([
        this.props === null && this.api.available('props') ? this.api.props() : null,
        wantSlots ? this.api.slots() : null,
        this.api.available('metrics') ? this.api.metrics() : null,
      ]);
      if (gen !== this.generation || this.exited) return;
      if (props?.ok) this.props = props.value;
      this.slots = slots?.ok ? slots.value : wantSlots ? this.slots : null;
      this.metrics = metrics?.ok ? metrics.value : this.api.available('metrics') ? this.metrics : null;
      this.emit();
      this.maybeProbe();
    } finally {
      if (gen === this.generation) this.ticking = false;
    }
  }

  /** The generation probe's settings changed (a config edit applies to the running server). */
  setGenerate(generate: { everyMs: number; timeoutMs: number } | null): void {
    const g = this.opts.generate ?? null;
    if (g?.everyMs === generate?.everyMs && g?.timeoutMs === generate?.timeoutMs) return;
    this.opts = { ...this.opts, generate };
  }

  /** The backend is gone for good (removed from the config, Vigil quitting): close the kept connection. */
  dispose(): void {
    this.exited = true;
    this.generation++;
    this.api.close();
  }

  /** The process exited: the death reason from the log's last lines (`logTail`, else the lines fed). */
  onExit(logTail?: readonly string[]): LlamaDeathReason | null {
    this.exited = true;
    this.api.close();
    this.parser.flush();
    this.deathReason = classifyDeath(logTail ?? [...this.tail, this.partial]);
    this.emit();
    return this.deathReason;
  }

  view(): LlamaView {
    const f = this.parser.facts();
    const v = emptyLlamaView();
    // A server that died for a reason its log gives has failed, whether or not its last line
    // ("exiting due to …") made it out: llama-server loses the log lines still queued at exit.
    v.phase = this.deathReason ? 'failed' : f.phase;
    // The API answering is proof the server listens, whatever its (asynchronously written) log has said yet.
    if ((v.phase === 'starting' || v.phase === 'loading' || v.phase === 'loaded') && (this.props || this.slots || this.metrics)) v.phase = 'listening';
    v.loadProgress = f.loadProgress;
    v.listenUrl = f.listenUrl;
    v.build = f.build ?? this.props?.build ?? null;
    v.logVerbosity = f.logVerbosity;
    v.model = { ...f.model, path: f.model.path ?? this.props?.modelPath ?? null };
    v.contextSize = f.contextSize;
    v.kvCaches = f.kvCaches;
    v.offload = f.offload;
    v.memory = f.memory;
    v.slots = this.slotView(f.slots, f.contextPerSlot);
    const m = this.metrics;
    if (m) {
      v.throughput = {
        promptTokensPerSec: m.promptTokensPerSec,
        generatedTokensPerSec: m.generatedTokensPerSec,
        promptTokensTotal: m.promptTokensTotal,
        generatedTokensTotal: m.generatedTokensTotal,
        requestsProcessing: m.requestsProcessing,
        requestsDeferred: m.requestsDeferred,
      };
      if (m.kvCacheUsageRatio !== null || m.kvCacheTokens !== null) v.kvUsage = { ratio: m.kvCacheUsageRatio, tokens: m.kvCacheTokens };
    }
    v.endpoints = this.api.endpoints;
    v.lastProbe = this.lastProbe;
    v.deathReason = this.deathReason;
    return v;
  }

  private slotView(logSlots: number | null, logCtx: number | null): LlamaSlots | null {
    const total = this.props?.totalSlots ?? logSlots;
    const ctx = this.slots?.contextPerSlot ?? this.props?.contextSize ?? logCtx;
    if (this.slots) return { total: this.slots.total, busy: this.slots.busy, contextPerSlot: ctx, source: 'slots' };
    if (this.metrics && this.metrics.requestsProcessing !== null) return { total, busy: this.metrics.requestsProcessing, contextPerSlot: ctx, source: 'metrics' };
    if (this.props) return { total, busy: null, contextPerSlot: ctx, source: 'props' };
    if (logSlots !== null) return { total, busy: null, contextPerSlot: ctx, source: 'log' };
    return null;
  }

  private maybeProbe(): void {
    const g = this.opts.generate;
    // A failed probe is tried again at the next tick: its failure stands (and counts) until one succeeds.
    const wait = this.lastProbe?.outcome === 'failed' ? 0 : g?.everyMs ?? 0;
    if (!g || this.probing || this.now() - this.lastProbeStart < wait) return;
    // A sleeping server (--sleep-idle-seconds) would load its model again to answer.
    if (this.props?.sleeping) return;
    this.probing = true;
    this.lastProbeStart = this.now();
    const gen = this.generation;
    void runGenerationProbe({ port: this.opts.port, host: this.opts.host, apiKey: this.opts.apiKey, timeoutMs: g.timeoutMs, api: this.api, now: this.now })
      .then((p) => {
        if (gen !== this.generation || this.exited) return;
        this.lastProbe = p;
        this.emit();
        this.opts.onProbe?.(p);
      })
      .finally(() => {
        if (gen === this.generation) this.probing = false;
      });
  }

  private emit(): void {
    const v = this.view();
    const key = JSON.stringify(v);
    if (key === this.emitted) return;
    this.emitted = key;
    this.opts.onUpdate(v);
  }
}
