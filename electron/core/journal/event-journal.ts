// The event journal: one VigilEvent per JSON line in <stateDir>/events.jsonl,
// rotated by size, surviving restarts of Vigil (seq continues).
//
// Writes are synchronous but batched: ordinary events wait up to `flushMs` in
// memory; exits and OOM kills (and transitions to exited/failed) go to disk at
// once with fsync, because those are the lines a crash of Vigil must not lose.
// Sync I/O keeps ordering trivial and costs a few µs per batch.
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { VigilEvent } from '../../common/state.js';
import { stderrLogger, type Logger } from '../diagnostics.js';

type Nullable = 'time' | 'backend' | 'from' | 'to' | 'pid' | 'exit' | 'oom';
/** An event without seq; time and the nullable fields may be left out (the supervisor's EventDraft fits). */
export type EventInput = Omit<VigilEvent, 'seq' | Nullable> & Partial<Pick<VigilEvent, Nullable>>;

export interface JournalOptions {
  /** Rotate when the live file would exceed this many bytes. */
  maxBytes?: number;
  /** Rotated files kept (events.1.jsonl … events.N.jsonl). */
  keep?: number;
  flushMs?: number;
  /** In-memory recent events. */
  recentCap?: number;
  /** Where problems with the files go (a torn line, a failed write); default stderr. */
  logger?: Logger;
}

export interface JournalQuery {
  backend?: string;
  since?: number;
  until?: number;
  limit?: number;
}

const LIVE = 'events.jsonl';
const rotated = (i: number) => `events.${i}.jsonl`;

function isUrgent(ev: VigilEvent): boolean {
  return ev.kind === 'exit' || ev.kind === 'oom' || (ev.kind === 'transition' && (ev.to === 'exited' || ev.to === 'failed'));
}

export class EventJournal {
  private fd: number;
  private size: number;
  private seq = 0;
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;
  private ring: VigilEvent[] = [];
  private closed = false;
  private warned = new Set<string>();
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly flushMs: number;
  private readonly recentCap: number;
  private readonly warn: (msg: string) => void;

  private constructor(
    readonly dir: string,
    opts: JournalOptions,
  ) {
    this.maxBytes = opts.maxBytes ?? 5 * 1024 * 1024;
    this.keep = Math.max(1, opts.keep ?? 5);
    this.flushMs = opts.flushMs ?? 200;
    this.recentCap = opts.recentCap ?? 1000;
    const logger = opts.logger ?? stderrLogger;
    this.warn = (m) => logger.warn(`journal: ${m}`);
    mkdirSync(dir, { recursive: true });
    this.fd = openSync(this.livePath, 'a');
    this.size = fstatSync(this.fd).size;
    this.repairTail();
    const all = this.readAll();
    this.seq = all.reduce((m, e) => Math.max(m, e.seq), 0);
    this.ring = all.slice(-this.recentCap);
  }

  /** Opens (creating) the journal in `stateDir`. */
  static open(stateDir: string, opts: JournalOptions = {}): EventJournal {
    return new EventJournal(stateDir, opts);
  }

  get livePath(): string {
    return path.join(this.dir, LIVE);
  }
  get lastSeq(): number {
    return this.seq;
  }

  /** Assigns seq (and time when absent), stores and returns the event. */
  append(input: EventInput): VigilEvent {
    if (this.closed) throw new Error('event journal is closed');
    const ev: VigilEvent = { backend: null, from: null, to: null, pid: null, exit: null, oom: null, ...input, seq: ++this.seq, time: input.time ?? Date.now() };
    const line = `${JSON.stringify(ev)}\n`;
    this.pending.push(line);
    this.pendingBytes += Buffer.byteLength(line);
    this.ring.push(ev);
    if (this.ring.length > this.recentCap) this.ring.splice(0, this.ring.length - this.recentCap);
    if (isUrgent(ev)) this.flush(true);
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.flush(false);
      }, this.flushMs);
      this.timer.unref();
    }
    return ev;
  }

  /** Writes pending lines; with `sync`, also fsyncs. */
  flush(sync = false): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0 || this.closed) return;
    if (this.size > 0 && this.size + this.pendingBytes > this.maxBytes) this.rotate();
    const data = Buffer.from(this.pending.join(''));
    this.pending = [];
    this.pendingBytes = 0;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off);
    this.size += data.length;
    if (sync) fsyncSync(this.fd);
  }

  /** Events matching `q` over all files, oldest first; `limit` keeps the newest. */
  query(q: JournalQuery = {}): VigilEvent[] {
    this.flush();
    const out = this.readAll().filter(
      (e) =>
        (q.backend === undefined || e.backend === q.backend) &&
        (q.since === undefined || e.time >= q.since) &&
        (q.until === undefined || e.time <= q.until),
    );
    return q.limit !== undefined ? out.slice(-q.limit) : out;
  }

  /** The newest `n` events from memory, oldest first. */
  recent(n: number): VigilEvent[] {
    return n <= 0 ? [] : this.ring.slice(-n);
  }

  close(): void {
    if (this.closed) return;
    this.flush(true);
    this.closed = true;
    closeSync(this.fd);
  }

  private rotate(): void {
    fsyncSync(this.fd);
    closeSync(this.fd);
    rmSync(path.join(this.dir, rotated(this.keep)), { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = path.join(this.dir, rotated(i));
      if (existsSync(from)) renameSync(from, path.join(this.dir, rotated(i + 1)));
    }
    renameSync(this.livePath, path.join(this.dir, rotated(1)));
    this.fd = openSync(this.livePath, 'a');
    this.size = 0;
  }

  // A crash mid-write leaves a line without its newline; terminate it so the
  // next event starts on a line of its own (the fragment is skipped on read).
  private repairTail(): void {
    if (this.size === 0) return;
    const b = Buffer.alloc(1);
    const rfd = openSync(this.livePath, 'r');
    try {
      readSync(rfd, b, 0, 1, this.size - 1);
    } finally {
      closeSync(rfd);
    }
    if (b[0] !== 0x0a) {
      this.warn(`${this.livePath}: last line was cut off (crash while writing?); it will be skipped`);
      writeSync(this.fd, '\n');
      this.size += 1;
    }
  }

  private readAll(): VigilEvent[] {
    const files: string[] = [];
    for (let i = this.keep; i >= 1; i--) files.push(path.join(this.dir, rotated(i)));
    files.push(this.livePath);
    const out: VigilEvent[] = [];
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (line.trim() === '') return;
        try {
          const ev = JSON.parse(line) as VigilEvent;
          if (typeof ev.seq !== 'number' || typeof ev.time !== 'number' || typeof ev.kind !== 'string') throw new Error('not an event');
          out.push(ev);
        } catch {
          if (this.warned.has(line)) return;
          this.warned.add(line);
          this.warn(`${f}:${i + 1}: skipping a corrupt line (${line.length > 60 ? `${line.slice(0, 60)}…` : line})`);
        }
      });
    }
    return out;
  }
}
