// Tails a backend's log file. The child writes its stdout/stderr straight into
// <stateDir>/logs/<id>.log (opened O_APPEND by the spawn), so the backend
// outlives a crash of Vigil — no pipe to break — and Vigil only reads. Vigil's
// own notes go into the same file, marked, so the order of events is kept.
// A state directory that is full or read-only never throws out of here: a
// note that cannot be written is dropped (said once per cause), and a
// rotation that fails is tried again later, not on every read.
import { appendFileSync, closeSync, copyFileSync, openSync, readSync, statSync, truncateSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { LogLine } from '../../common/api.js';
import { stderrLogger, type Logger } from '../diagnostics.js';
import { makeDir } from '../paths.js';
import { everyShared } from '../shared-interval.js';

/** Prefix of lines Vigil itself writes; read back as stream 'vigil'. */
export const VIGIL_MARK = '[vigil] ';

export interface BackendLogOptions {
  /** Lines kept in memory for tail(). */
  ringSize?: number;
  /** Rotate (copy to <id>.1.log, then truncate) above this size. */
  maxBytes?: number;
  /** Backstop poll period: fs.watch may coalesce or miss events. */
  pollMs?: number;
  /** Bytes of an existing file read at start to fill the ring. */
  seedBytes?: number;
  /** Where diagnostics go (a note or rotation that failed, once per cause); default stderr. */
  logger?: Logger;
  /** The same as a bare function (wins over `logger`). */
  onWarning?: (msg: string) => void;
}

/** After a failed rotation (disk full), wait this long before copying the file again. */
const ROTATE_RETRY_MS = 60_000;

const MAX_LINE = 64 * 1024;

/**
 * Bytes as the tailer read them, and where they lie in the file: `start` is
 * their byte offset within file generation `epoch` (a rotation or a
 * truncation starts a new generation, at offset 0).
 */
export interface LogChunk {
  data: Buffer;
  start: number;
  epoch: number;
}

export class BackendLog {
  private ring: LogLine[] = [];
  private offset = 0;
  private partial = '';
  private watcher: FSWatcher | null = null;
  private poll: (() => void) | null = null;
  private subs = new Set<(lines: LogLine[]) => void>();
  private chunkSubs = new Set<(chunk: LogChunk) => void>();
  private gen = 0;
  private readonly ringSize: number;
  private readonly maxBytes: number;
  private readonly pollMs: number;
  private readonly seedBytes: number;
  private readonly warn: (msg: string) => void;
  /** The errno code of the last failed write of a note (reported once), or null. */
  private noteTrouble: string | null = null;
  private rotateAfter = 0;
  /** Times the file was rotated by this tailer (for tests and display). */
  rotations = 0;

  constructor(
    readonly path: string,
    opts: BackendLogOptions = {},
  ) {
    this.ringSize = opts.ringSize ?? 2000;
    this.maxBytes = opts.maxBytes ?? 20 * 1024 * 1024;
    this.pollMs = opts.pollMs ?? 500;
    this.seedBytes = opts.seedBytes ?? 256 * 1024;
    const logger = opts.logger ?? stderrLogger;
    this.warn = opts.onWarning ?? ((m) => logger.warn(m));
  }

  get rotatedPath(): string {
    return this.path.replace(/\.log$/, '') + '.1.log';
  }

  start(): void {
    if (this.watcher || this.poll) return;
    try {
      makeDir(path.dirname(this.path));
      closeSync(openSync(this.path, 'a'));
    } catch (e) {
      // Read-only or full: tail whatever exists; the backend's spawn says what failed.
      this.warn(`log ${this.path}: cannot create it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    // Seed the ring from the end of an existing file, starting at a line boundary.
    let size = 0;
    try {
      size = statSync(this.path).size;
    } catch {
      // absent: the poll picks it up once the spawn creates it
    }
    this.offset = Math.max(0, size - this.seedBytes);
    this.read(this.offset > 0);
    try {
      this.watcher = watch(this.path, () => this.read());
      this.watcher.on('error', () => {
        /* file replaced or removed: the poll keeps going */
      });
    } catch {
      this.watcher = null; // no file to watch yet: the poll reads it
    }
    // On the timer shared by every log of this period: 50 logs on their own timers would be 10 wake-ups a second.
    this.poll = everyShared(this.pollMs, () => this.read());
  }

  stop(): void {
    this.read();
    this.watcher?.close();
    this.watcher = null;
    this.poll?.();
    this.poll = null;
  }

  tail(n: number): LogLine[] {
    return n <= 0 ? [] : this.ring.slice(-n);
  }

  subscribe(cb: (lines: LogLine[]) => void): () => void {
    this.subs.add(cb);
    return () => this.subs.delete(cb);
  }

  /** The raw bytes of each read, for readers that parse the log themselves (from where a process started writing). */
  subscribeChunks(cb: (chunk: LogChunk) => void): () => void {
    this.chunkSubs.add(cb);
    return () => this.chunkSubs.delete(cb);
  }

  /** How far the file has been read: a byte offset within file generation `epoch`. */
  get position(): { offset: number; epoch: number } {
    return { offset: this.offset, epoch: this.gen };
  }

  /** Appends a Vigil note ('spawned pid 123'); subscribers see it through the tail, in order. */
  appendVigilLine(text: string): void {
    const stamp = new Date().toISOString();
    try {
      makeDir(path.dirname(this.path));
      appendFileSync(this.path, `${VIGIL_MARK}${stamp} ${text.replace(/\n/g, ' ')}\n`);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      if (code !== this.noteTrouble) this.warn(`log ${this.path}: Vigil's notes cannot be written (${code}); they are dropped until it can`);
      this.noteTrouble = code;
      return;
    }
    if (this.noteTrouble) this.warn(`log ${this.path}: Vigil's notes are written again`);
    this.noteTrouble = null;
    if (this.watcher) this.read();
  }

  /** Reads whatever was appended since the last read; rotates when too big. */
  read(skipFirstLine = false): void {
    let size: number;
    try {
      size = statSync(this.path).size;
    } catch {
      return; // removed; the next start or write recreates it
    }
    if (size < this.offset) {
      // Truncated by someone else: start over from the beginning.
      this.offset = 0;
      this.partial = '';
      this.gen++;
    }
    if (size > this.offset) this.consume(size, skipFirstLine);
    if (size > this.maxBytes && performance.now() >= this.rotateAfter) {
      // Catch up first so only bytes that race the copy can be lost.
      const now = statSync(this.path).size;
      if (now > this.offset) this.consume(now, false);
      this.rotate();
    }
  }

  private consume(size: number, skipFirstLine: boolean): void {
    const fd = openSync(this.path, 'r');
    const chunks: Buffer[] = [];
    const start = this.offset;
    try {
      while (this.offset < size) {
        const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, size - this.offset));
        const n = readSync(fd, buf, 0, buf.length, this.offset);
        if (n <= 0) break;
        chunks.push(n === buf.length ? buf : buf.subarray(0, n));
        this.offset += n;
      }
    } finally {
      closeSync(fd);
    }
    const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    if (data.length > 0) for (const cb of this.chunkSubs) cb({ data, start, epoch: this.gen });
    let text = this.partial + data.toString('utf8');
    if (skipFirstLine) text = text.slice(text.indexOf('\n') + 1);
    const parts = text.split('\n');
    // The last part has no newline yet: hold it until one arrives (unless huge).
    this.partial = parts.pop() ?? '';
    if (this.partial.length > MAX_LINE) {
      parts.push(this.partial);
      this.partial = '';
    }
    if (parts.length === 0) return;
    const now = Date.now();
    const lines: LogLine[] = parts.map((raw) => {
      const t = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      return t.startsWith(VIGIL_MARK) ? { time: now, stream: 'vigil', text: t.slice(VIGIL_MARK.length) } : { time: now, stream: 'stdout', text: t };
    });
    this.ring.push(...lines);
    if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize);
    for (const cb of this.subs) cb(lines);
  }

  // copy-then-truncate: the child keeps its O_APPEND descriptor, whose next
  // write lands at the new end of the same file. Bytes written between the
  // copy and the truncate are lost — the known cost of copytruncate.
  private rotate(): void {
    try {
      copyFileSync(this.path, this.rotatedPath);
      truncateSync(this.path, 0);
    } catch (e) {
      // A full disk fails the copy: copying again on every read would be 20 MiB of I/O per line.
      this.rotateAfter = performance.now() + ROTATE_RETRY_MS;
      this.warn(`log ${this.path}: cannot rotate (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); trying again in ${ROTATE_RETRY_MS / 1000} s`);
      return;
    }
    this.rotations++;
    this.gen++;
    this.offset = 0;
    this.partial = '';
  }
}
