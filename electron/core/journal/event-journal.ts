// The event journal: one VigilEvent per JSON line in <stateDir>/events.jsonl,
// rotated by size, surviving restarts of Vigil (seq continues).
//
// Writes are synchronous but batched: ordinary events wait up to `flushMs` in
// memory; exits and OOM kills (and transitions to exited/failed) go to disk at
// once with fsync, because those are the lines a crash of Vigil must not lose.
// Sync I/O keeps ordering trivial and costs a few µs per batch.
//
// The state directory may fill up or turn read-only under a running Vigil.
// Then nothing is thrown at the caller: events keep their seq, stay in memory
// (queries still see them) and are written, in order, once the file takes
// writes again — tried on every urgent event and every `retryMs`. The journal
// says so itself, once per outage: a `system` event when writing stops and
// one when it resumes, handed to `onEvent` for the host to show.
import type { VigilEvent } from '../../common/state.js';
import { stderrLogger, type Logger } from '../diagnostics.js';
import type { EventDraft } from '../events.js';
import { JournalFiles, JournalWriteError } from './journal-files.js';


export interface JournalOptions {
  /** Rotate when the live file would exceed this many bytes. */
  maxBytes?: number;
  /** Rotated files kept (events.1.jsonl … events.N.jsonl). */
  keep?: number;
  flushMs?: number;
  /** In-memory recent events. */
  recentCap?: number;
  /** Where problems with the files go (a torn line skipped, a failed write); default stderr. */
  logger?: Logger;
  /** The same as a bare function (wins over `logger`). */
  onWarning?: (msg: string) => void;
  /**
   * Events the journal raises itself (it cannot write its file; it can
   * again). They are already journaled: the host only shows them.
   */
  onEvent?: (ev: VigilEvent) => void;
  /** Unwritten events kept while the file takes no writes; beyond it the oldest are dropped (and counted). */
  maxUnwritten?: number;
  /** While writes fail, how often to try again. */
  retryMs?: number;
}

export interface JournalQuery {
  backend?: string;
  since?: number;
  until?: number;
  limit?: number;
}

interface Unwritten {
  ev: VigilEvent;
  line: string;
}

interface Outage {
  code: string;
  since: number;
  dropped: number;
}

function isUrgent(ev: VigilEvent): boolean {
  return ev.kind === 'exit' || ev.kind === 'oom' || (ev.kind === 'transition' && (ev.to === 'exited' || ev.to === 'failed'));
}

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EIO: 'I/O error',
};

export class EventJournal {
  private readonly files: JournalFiles;
  private seq = 0;
  private pending: Unwritten[] = [];
  private timer: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private ring: VigilEvent[] = [];
  private closed = false;
  private outage: Outage | null = null;
  private rotateTrouble: string | null = null;
  private readonly flushMs: number;
  private readonly recentCap: number;
  private readonly maxUnwritten: number;
  private readonly retryMs: number;
  private readonly warn: (msg: string) => void;
  private readonly onEvent: (ev: VigilEvent) => void;

  private constructor(
    readonly dir: string,
    opts: JournalOptions,
  ) {
    this.flushMs = opts.flushMs ?? 200;
    this.recentCap = opts.recentCap ?? 1000;
    this.maxUnwritten = Math.max(1, opts.maxUnwritten ?? 10_000);
    this.retryMs = opts.retryMs ?? 2000;
    const logger = opts.logger ?? stderrLogger;
    this.warn = opts.onWarning ?? ((m) => logger.warn(`journal: ${m}`));
    this.onEvent = opts.onEvent ?? (() => {});
    this.files = new JournalFiles(dir, Math.max(1, opts.keep ?? 5), opts.maxBytes ?? 5 * 1024 * 1024, this.warn);
    let openError: unknown = null;
    try {
      this.files.open();
    } catch (e) {
      openError = e;
    }
    const all = this.files.readAll();
    this.seq = all.reduce((m, e) => Math.max(m, e.seq), 0);
    this.ring = all.slice(-this.recentCap);
    if (openError) this.writeFailed(new JournalWriteError(openError as NodeJS.ErrnoException, 0));
  }

  /** Opens (creating) the journal in `stateDir`; a directory that takes no writes is reported, not thrown. */
  static open(stateDir: string, opts: JournalOptions = {}): EventJournal {
    return new EventJournal(stateDir, opts);
  }

  get livePath(): string {
    return this.files.livePath;
  }
  get lastSeq(): number {
    return this.seq;
  }
  /** Why the file takes no writes right now (an errno code), or null. */
  get writeError(): string | null {
    return this.outage?.code ?? null;
  }
  /** Events kept in memory, not yet in the file. */
  get unwritten(): number {
    return this.pending.length;
  }

  /** Assigns seq (and time when absent), stores and returns the event. */
  append(input: EventDraft): VigilEvent {
    if (this.closed) throw new Error('event journal is closed');
    const ev = this.store(input);
    if (isUrgent(ev)) this.flush(true);
    else this.flushSoon();
    return ev;
  }

  /** Writes pending lines; with `sync`, also fsyncs. Never throws: a failure keeps them for the next try. */
  flush(sync = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0 || this.closed) return;
    const batch = this.pending;
    try {
      this.files.write(
        batch.map((u) => u.line),
        sync,
      );
      this.pending = [];
      this.checkRotation();
    } catch (e) {
      if (!(e instanceof JournalWriteError)) throw e;
      this.pending = batch.slice(e.written);
      this.writeFailed(e);
      return;
    }
    if (this.outage) this.writeResumed(batch.length);
  }

  /** Events matching `q` over all files and the unwritten ones, oldest first; `limit` keeps the newest. */
  query(q: JournalQuery = {}): VigilEvent[] {
    this.flush();
    const match = (e: VigilEvent): boolean =>
      (q.backend === undefined || e.backend === q.backend) && (q.since === undefined || e.time >= q.since) && (q.until === undefined || e.time <= q.until);
    if (q.limit === undefined) {
      const all = this.files.readAll();
      for (const u of this.pending) all.push(u.ev);
      return all.filter(match);
    }
    // The newest `limit`: from the end, so only as much of the files is read as they take.
    const limit = q.limit;
    const out: VigilEvent[] = [];
    for (let i = this.pending.length - 1; i >= 0 && out.length < limit; i--) if (match(this.pending[i]!.ev)) out.push(this.pending[i]!.ev);
    if (out.length < limit) {
      this.files.readBackwards((e) => {
        if (match(e)) out.push(e);
        return out.length < limit;
      });
    }
    return out.reverse();
  }

  /** The newest `n` events from memory, oldest first. */
  recent(n: number): VigilEvent[] {
    return n <= 0 ? [] : this.ring.slice(-n);
  }

  close(): void {
    if (this.closed) return;
    this.flush(true);
    if (this.pending.length) this.warn(`${this.pending.length} event(s) could not be written to ${this.livePath} (${this.outage?.code ?? 'error'}) and are lost with this process`);
    this.closed = true;
    this.stopRetry();
    this.files.close();
  }

  private store(input: EventDraft): VigilEvent {
    const ev: VigilEvent = { backend: null, from: null, to: null, pid: null, exit: null, oom: null, ...input, seq: ++this.seq, time: input.time ?? Date.now() };
    this.pending.push({ ev, line: `${JSON.stringify(ev)}\n` });
    if (this.outage && this.pending.length > this.maxUnwritten) {
      const over = this.pending.length - this.maxUnwritten;
      this.pending.splice(0, over);
      this.outage.dropped += over;
    }
    this.ring.push(ev);
    if (this.ring.length > this.recentCap) this.ring.splice(0, this.ring.length - this.recentCap);
    return ev;
  }

  private flushSoon(): void {
    // While the file takes no writes, the retry timer is what flushes.
    if (this.timer || this.outage) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush(false);
    }, this.flushMs);
    this.timer.unref();
  }

  /** Raises a journal event; the host hears of it after the caller's own event (a microtask later). */
  private raise(reason: string, details: Record<string, unknown>): void {
    const ev = this.store({ kind: 'system', reason, details });
    queueMicrotask(() => {
      try {
        this.onEvent(ev);
      } catch (e) {
        this.warn(`showing a journal event failed: ${(e as Error).message}`);
      }
    });
  }

  /** A rotation that fails (renames refused) leaves the events safe in the live file: said once per cause. */
  private checkRotation(): void {
    const e = this.files.rotateError;
    const code = e ? (e.code ?? 'EIO') : null;
    if (code === this.rotateTrouble) return;
    this.rotateTrouble = code;
    if (!e || !code) return;
    const why = WHY[code] ?? e.message;
    this.warn(`cannot rotate ${this.livePath}: ${code} (${why})`);
    this.raise(`event journal cannot rotate ${this.livePath}: ${code} (${why}); it grows past its size limit until it can`, { journal: this.livePath, code, error: e.message });
  }

  private writeFailed(e: JournalWriteError): void {
    const code = e.code;
    if (!this.outage || this.outage.code !== code) {
      const first = !this.outage;
      this.outage = { code, since: Date.now(), dropped: this.outage?.dropped ?? 0 };
      const why = WHY[code] ?? e.message;
      this.warn(`cannot write ${this.livePath}: ${code} (${why})`);
      this.raise(
        `event journal cannot be written: ${this.livePath}: ${code} (${why}); events are kept in memory (up to ${this.maxUnwritten}) and written when it can be${first ? '' : ' (the cause changed)'}`,
        { journal: this.livePath, code, error: e.message },
      );
    }
    if (!this.retryTimer && !this.closed) {
      this.retryTimer = setInterval(() => this.flush(true), this.retryMs);
      this.retryTimer.unref();
    }
  }

  private writeResumed(written: number): void {
    const o = this.outage!;
    this.outage = null;
    this.stopRetry();
    const secs = Math.round((Date.now() - o.since) / 1000);
    this.warn(`writing ${this.livePath} again after ${secs} s`);
    this.raise(
      `event journal written again after ${secs} s (${o.code}): ${written} event(s) kept in memory are in ${this.livePath}${o.dropped ? `; ${o.dropped} older one(s) were dropped (more than ${this.maxUnwritten} waited)` : ''}`,
      { journal: this.livePath, code: o.code, written, dropped: o.dropped },
    );
    this.flushSoon();
  }

  private stopRetry(): void {
    if (this.retryTimer) clearInterval(this.retryTimer);
    this.retryTimer = null;
  }
}
