// What a supervisor records when its process ends: the status (reaped, or
// peeked at for a zombie left to the user), what the log tail explains, the
// OOM killer's part in it (from either order of notice and exit), the exit
// and OOM events, and the backend's record. The supervisor decides what
// happens next (restart, backoff, failed).
import path from 'node:path';
import { closeHandle, probe, reap, type ProcessHandle, type ReapResult } from '../../../native-bindings/process.js';
import type { BackendStatus, ExitInfo, OomKill, VigilEvent } from '../../common/state.js';
import type { VigilStore } from '../store.js';
import type { BackendRecord } from './backend-record.js';
import { exitFromWait, oomHow, withNote, withOom } from './exit-info.js';
import type { MemoryLimit } from './memory-limit.js';
import type { OomCorrelation } from './oom-correlation.js';
import type { RunningRegistry } from './running-registry.js';
import type { ExitExplainer, ExitExplanation } from './seams.js';
import type { EventDraft } from '../events.js';
import type { SupervisedBackendConfig } from './types.js';

export interface ExitRecorderDeps {
  id: string;
  rec: BackendRecord;
  oom: OomCorrelation;
  limit: MemoryLimit;
  registry: RunningRegistry;
  store: VigilStore;
  emit: (ev: EventDraft) => VigilEvent;
  explainers: readonly ExitExplainer[] | undefined;
  config(): SupervisedBackendConfig;
  status(): BackendStatus;
  /** A line of Vigil's own in the backend's log (where its output ends and why). */
  note?: ((text: string) => void) | undefined;
}

/** The OOM record of a GPU out-of-memory death, from what the backend's log said. */
export function gpuOomRecord(backend: string, exit: ExitInfo, comm: string, g: NonNullable<ExitExplanation['gpuOom']>): OomKill {
  return {
    id: `gpu:${backend}:${exit.pid}:${exit.time}`,
    time: exit.time,
    timeText: null,
    pid: exit.pid,
    comm,
    scope: 'global',
    constraint: null,
    memcg: null,
    totalVmKb: null,
    anonRssKb: null,
    fileRssKb: null,
    shmemRssKb: null,
    uid: null,
    oomScoreAdj: null,
    killer: 'backend',
    trigger: null,
    backend,
    largestConsumer: null,
    source: 'none',
    kind: 'gpu',
    gpu: g,
  };
}

export class ExitRecorder {
  constructor(private readonly d: ExitRecorderDeps) {}

  /** A new process starts: kill notices about the old one are void. */
  newProcess(): void {
    this.d.oom.reset();
  }

  /** reap or peekExit; a failure is reported and the exit then shows as not collected. */
  wait(h: ProcessHandle, how: (h: ProcessHandle) => ReapResult): ReapResult | null {
    try {
      return how(h);
    } catch (e) {
      this.d.emit({ kind: 'system', backend: this.d.id, reason: `reading the exit status of pid ${h.pid} failed: ${(e as Error).message}`, pid: h.pid });
      return null;
    }
  }

  /** The first explainer's reading of the log tail, added to the reason. */
  explain(exit: ExitInfo, logTail: string): ExitInfo {
    const explainers = this.d.explainers;
    if (!explainers?.length) return exit;
    const cfg = this.d.config();
    for (const explainer of explainers) {
      const why = explainer({ cfg, exit, logTail });
      if (!why) continue;
      if (typeof why === 'string') return withNote(exit, why, ': ');
      const noted = withNote(exit, why.note, ': ');
      return why.gpuOom ? { ...noted, gpuOom: gpuOomRecord(this.d.id, exit, path.basename(cfg.cmd[0] ?? this.d.id), why.gpuOom) } : noted;
    }
    return exit;
  }

  /**
   * The process is gone (or, with `keepZombie`, a zombie left for the user):
   * classify OOM, drop its running.json record and pidfd, publish, emit.
   */
  record(h: ProcessHandle, exit: ExitInfo, keepZombie: boolean): ExitInfo {
    const oom = this.d.oom.explainExit(h.pid, this.d.limit.takeRise());
    if (oom === 'counter') exit = withOom(exit, this.counterKill(h.pid), oomHow(null));
    else if (oom) exit = withOom(exit, oom, oomHow(oom));
    if (!keepZombie) closeHandle(h);
    this.d.registry.delete(this.d.id);
    const lastGpu = this.d.rec.lastGpu;
    exit = { ...exit, lastRss: this.d.rec.lastRss, ...(lastGpu ? { lastGpu } : {}) };
    this.d.rec.publishExit({ lastExit: exit, awaitingReap: keepZombie, pid: keepZombie ? h.pid : null, procState: keepZombie ? probe(h).state : 'gone', healthLatencyMs: null });
    this.d.note?.(`exited: pid ${h.pid} ${exit.reason}`);
    this.d.emit({ kind: 'exit', backend: this.d.id, reason: exit.reason, pid: h.pid, exit, oom: exit.oom });
    if (exit.oomKilled) this.d.emit({ kind: 'oom', backend: this.d.id, reason: exit.reason, pid: h.pid, exit, oom: exit.oom });
    else if (exit.gpuOom) {
      // Out of GPU memory: an OOM of its own kind in the timeline, beside (never instead of) the kernel's kills.
      this.d.store.pushOom(exit.gpuOom);
      this.d.emit({ kind: 'oom', backend: this.d.id, reason: exit.gpuOom.gpu!.summary, pid: h.pid, exit, oom: exit.gpuOom });
    }
    return exit;
  }

  /** Reap the zombie left by policy never; its OOM classification and exit time carry over. */
  collectZombie(h: ProcessHandle): ExitInfo {
    const prev = this.d.rec.state.lastExit;
    let exit = exitFromWait(h.pid, this.wait(h, reap), prev?.reason ?? 'exit status unavailable');
    if (prev?.oomKilled) exit = withOom(exit, prev.oom, prev.oom ? oomHow(prev.oom) : 'kernel');
    exit.time = prev?.time ?? exit.time;
    exit.lastRss = prev?.lastRss ?? null;
    if (prev?.lastGpu) exit.lastGpu = prev.lastGpu;
    closeHandle(h);
    this.d.rec.publish({ lastExit: exit, awaitingReap: false, pid: null, procState: 'gone', reason: `reaped: ${exit.reason}` });
    this.d.emit({ kind: 'exit', backend: this.d.id, reason: `reaped: ${exit.reason}`, pid: h.pid, exit });
    return exit;
  }

  /** A kill notice for `kill.pid`; `handlePid` is the supervised process (live or zombie), if any. */
  oomNotice(kill: OomKill, handlePid: number | null): void {
    const last = this.d.rec.state.lastExit;
    const route = this.d.oom.route(kill, last, handlePid);
    if (route === 'amend' && last && (!last.oomKilled || !last.oom)) this.amend(last, kill);
    // The counter's record has no figures; the kernel's line for the same kill that follows carries them. Same kill: no new event.
    else if (route === 'amend' && last?.oom?.source === 'cgroup' && kill.source !== 'cgroup') this.amend(last, kill, false);
    if (route === 'tree') {
      // A process of the tree (not the leader) was killed: say so; the leader's fate shows by itself.
      this.d.emit({ kind: 'oom', backend: this.d.id, reason: `oom-killed ${kill.comm} (pid ${kill.pid}) in ${this.d.id}'s process tree`, pid: kill.pid, oom: kill });
    }
  }

  /** The cgroup's oom_kill counter rose: record it, unless another source already did. */
  counterRose(handlePid: number | null): void {
    const pid = this.d.oom.counterVictim(handlePid, this.d.rec.state.lastExit);
    if (pid === null) return;
    const kill = this.counterKill(pid);
    this.d.limit.takeRise();
    this.oomNotice(kill, handlePid);
  }

  private amend(last: ExitInfo, kill: OomKill, announce = true): void {
    const exit = withOom(last, kill, oomHow(kill));
    const s = this.d.status();
    // The status's reason quotes the exit (alone, or with the backoff plan or the restart limit around it): quote the new words.
    const reason = this.d.rec.state.reason;
    const quotes = (s === 'exited' || s === 'backoff' || s === 'failed') && reason.includes(last.reason);
    this.d.rec.publish(quotes ? { lastExit: exit, reason: reason.replace(last.reason, exit.reason) } : { lastExit: exit });
    if (announce) this.d.emit({ kind: 'oom', backend: this.d.id, reason: exit.reason, pid: kill.pid, exit, oom: kill });
  }

  /** The counter's record of a kill (the victim taken to be `pid`), into the store's OOM list. */
  private counterKill(pid: number): OomKill {
    const kill = this.d.limit.killRecord(pid, path.basename(this.d.rec.state.command[0] ?? this.d.id));
    this.d.store.pushOom(kill);
    return kill;
  }
}
