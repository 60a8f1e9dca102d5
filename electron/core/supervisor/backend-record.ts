// What a supervisor knows of its backend, kept by the supervisor and
// published one way into the store. Decisions read this record, never the
// store: the store is a projection for hosts and windows. Each change is
// also handed, before and after, to `changed` (the supervisor's observers).
import type { BackendFit } from '../../common/fit.js';
import type { LlamaView } from '../../common/llama.js';
import type { BackendView, GpuUse, MemoryBreakdown, ProcState } from '../../common/state.js';
import type { VigilStore } from '../store.js';
import { substitute } from './spawn-backend.js';
import type { SupervisedBackendConfig } from './types.js';

/** The view fields the supervisor decides (memory is the sampler's figure, fit the fit feed's, llama the llama feed's, all passed through). */
export type SupervisorState = Omit<BackendView, 'memory' | 'fit' | 'llama'>;

export class BackendRecord {
  private readonly s: SupervisorState;
  private memory: MemoryBreakdown | null = null;
  private fit: BackendFit | null = null;
  private llama: LlamaView | null = null;

  constructor(
    cfg: SupervisedBackendConfig,
    private readonly store: VigilStore,
    /** Told of each change of the supervisor's fields or memory; absent when nobody listens (no copies made). */
    private readonly changed?: (before: BackendView, after: BackendView) => void,
  ) {
    const port = cfg.port === 'auto' ? null : cfg.port;
    this.s = {
      id: cfg.id,
      name: cfg.name ?? cfg.id,
      status: 'stopped',
      reason: 'not started',
      since: Date.now(),
      pid: null,
      pgid: null,
      procState: null,
      startedAt: null,
      port,
      adopted: false,
      restarts: 0,
      lastExit: null,
      awaitingReap: false,
      healthLatencyMs: null,
      nextRestartAt: null,
      memoryLimit: cfg.memoryLimit,
      cgroup: null,
      command: substitute(cfg.cmd, { port }),
      restartPolicy: cfg.restart.policy,
      oomScoreAdj: null,
      shed: null,
    };
    store.upsertBackend(this.snapshot());
  }

  /** The record now (read-only: change it through publish). */
  get state(): Readonly<SupervisorState> {
    return this.s;
  }

  /** Change the record and push the same patch to the store. */
  publish(patch: Partial<SupervisorState>): void {
    const before = this.changed && this.snapshot();
    Object.assign(this.s, patch);
    this.store.setBackend(this.s.id, patch);
    if (before) this.changed!(before, this.snapshot());
  }

  /** A /proc state, published only when its class changes (running ⇄ sleeping flips on every request a server answers). */
  publishProcState(ps: ProcState | null): void {
    if (procClass(ps) !== procClass(this.s.procState)) this.publish({ procState: ps });
  }

  /**
   * The process exited (gone, or a zombie left to reap): the patch and the
   * end of its memory figure in one update, so no snapshot shows a dead
   * process's memory (read `lastRss` before, for the exit record).
   */
  publishExit(patch: Partial<SupervisorState>): void {
    const before = this.changed && this.snapshot();
    Object.assign(this.s, patch);
    this.memory = null;
    this.store.setBackend(this.s.id, { ...patch, memory: null });
    if (before) this.changed!(before, this.snapshot());
  }

  /** RSS of the process tree as last sampled, bytes; null when none is shown. */
  get lastRss(): number | null {
    return this.memory?.rss ?? null;
  }

  /** GPU memory of the process tree as last sampled; null when none is shown. */
  get lastGpu(): GpuUse[] | null {
    return this.memory?.gpu?.length ? this.memory.gpu : null;
  }

  /** The memory figure shown now (the sampler's last, null after an exit). */
  get shownMemory(): MemoryBreakdown | null {
    return this.memory;
  }

  setMemory(memory: MemoryBreakdown | null): void {
    const before = this.changed && this.snapshot();
    this.memory = memory;
    this.store.setBackend(this.s.id, { memory });
    if (before) this.changed!(before, this.snapshot());
  }

  setFit(fit: BackendFit | null): void {
    this.fit = fit;
    this.store.setBackend(this.s.id, { fit });
  }

  setLlama(llama: LlamaView | null): void {
    this.llama = llama;
    this.store.setBackend(this.s.id, { llama });
  }

  /** A copy of the whole view, memory, fit and llama included. */
  snapshot(): BackendView {
    return { ...this.s, memory: this.memory, fit: this.fit, llama: this.llama };
  }
}

/** running, sleeping and disk-sleep are one class: alive (see ProcState). */
function procClass(s: ProcState | null): string | null {
  return s === 'running' || s === 'sleeping' || s === 'disk-sleep' ? 'alive' : s;
}
