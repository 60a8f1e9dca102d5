// The journal's files: the live events.jsonl (appended), its rotated
// predecessors, and reading them all back. A write that fails is thrown to
// the caller with how many whole lines reached the file, and the file is left
// so that the next line starts on a line of its own: a half-written batch is
// cut back off, or, where the file cannot be cut (a read-only remount), the
// next write begins with a newline and the fragment is skipped on read.
import { closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { VigilEvent } from '../../common/state.js';
import { makeDir } from '../paths.js';

const LIVE = 'events.jsonl';
const rotated = (i: number): string => `events.${i}.jsonl`;
const NEWLINE = 0x0a;
const BACKWARD_CHUNK = 64 * 1024;

/** A write that failed; `written` whole lines of the batch are in the file (the first ones). */
export class JournalWriteError extends Error {
  constructor(
    override readonly cause: NodeJS.ErrnoException,
    readonly written: number,
  ) {
    super(cause.message);
  }
  get code(): string {
    return this.cause.code ?? 'EIO';
  }
}

export class JournalFiles {
  private fd: number | null = null;
  private size = 0;
  /** The live file ends inside a line (a crash, or a batch that could not be cut back). */
  private torn = false;
  /** Why the last rotation failed (the live file then grows past maxBytes), or null. */
  rotateError: NodeJS.ErrnoException | null = null;
  /** Corrupt lines already warned about, so each is reported once however often it is read. */
  private readonly warned = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly keep: number,
    private readonly maxBytes: number,
    private readonly warn: (msg: string) => void,
  ) {}

  get livePath(): string {
    return path.join(this.dir, LIVE);
  }

  get isOpen(): boolean {
    return this.fd !== null;
  }

  /** Opens (creating) the live file if it is not open; throws when it cannot. */
  open(): void {
    if (this.fd !== null) return;
    makeDir(this.dir);
    const fd = openSync(this.livePath, 'a');
    try {
      this.size = fstatSync(fd).size;
      this.torn = this.size > 0 && this.lastByte() !== NEWLINE;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    this.fd = fd;
    if (this.torn) this.warn(`${this.livePath}: the last line was cut off (a crash while writing?); it is skipped`);
  }

  /** Appends whole lines (each ending in a newline); with `sync`, fsyncs them. */
  write(lines: string[], sync: boolean): void {
    try {
      this.open();
    } catch (e) {
      throw new JournalWriteError(e as NodeJS.ErrnoException, 0);
    }
    const body = lines.join('');
    const bytes = Buffer.byteLength(body);
    if (this.size > 0 && this.size + bytes > this.maxBytes) {
      try {
        this.rotate();
        this.rotateError = null;
      } catch (e) {
        if (this.fd === null) throw new JournalWriteError(e as NodeJS.ErrnoException, 0);
        // The live file still takes writes: keep the events safe in it, past its size limit.
        this.rotateError = e as NodeJS.ErrnoException;
      }
    }
    const fd = this.fd!;
    const lead = this.torn ? 1 : 0;
    const data = Buffer.from(lead ? `\n${body}` : body);
    const before = this.size;
    let off = 0;
    try {
      while (off < data.length) off += writeSync(fd, data, off);
    } catch (e) {
      throw new JournalWriteError(e as NodeJS.ErrnoException, this.keepPartial(fd, data, off, before, lead));
    }
    this.size += data.length;
    this.torn = false;
    if (sync) {
      try {
        fsyncSync(fd);
      } catch (e) {
        // The lines are in the page cache; whether they reach the disk is the kernel's to say.
        throw new JournalWriteError(e as NodeJS.ErrnoException, lines.length);
      }
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      fsyncSync(this.fd);
    } catch {
      // already reported by the last failed write
    }
    closeSync(this.fd);
    this.fd = null;
  }

  /** The journal's files, oldest first. */
  private files(): string[] {
    const files: string[] = [];
    for (let i = this.keep; i >= 1; i--) files.push(path.join(this.dir, rotated(i)));
    files.push(this.livePath);
    return files;
  }

  /** Every event in the rotated files and the live one, oldest file first; corrupt lines skipped (warned once). */
  readAll(): VigilEvent[] {
    const out: VigilEvent[] = [];
    for (const f of this.files()) {
      let text: string;
      try {
        text = readFileSync(f, 'utf8');
      } catch {
        continue;
      }
      const lines = text.split('\n');
      for (let i = 0; i < lines.length; i++) {
        const ev = this.parseLine(f, lines[i]!, `${i + 1}`);
        if (ev) out.push(ev);
      }
    }
    return out;
  }

  /**
   * Events newest first, read from the end of the newest file backwards in
   * chunks, until `take` returns false: a query for the last 200 events reads
   * a few KiB, not every file the journal keeps.
   */
  readBackwards(take: (ev: VigilEvent) => boolean): void {
    const chunk = Buffer.alloc(BACKWARD_CHUNK);
    for (const f of this.files().reverse()) {
      let fd: number;
      try {
        fd = openSync(f, 'r');
      } catch {
        continue;
      }
      try {
        let end = fstatSync(fd).size;
        // Bytes of a line whose start is in a chunk not yet read.
        let tail: Buffer = Buffer.alloc(0);
        while (end > 0) {
          const start = Math.max(0, end - BACKWARD_CHUNK);
          const n = readSync(fd, chunk, 0, end - start, start);
          const buf = tail.length ? Buffer.concat([chunk.subarray(0, n), tail]) : chunk.subarray(0, n);
          let lineEnd = buf.length;
          for (let i = buf.length - 1; i >= 0; i--) {
            if (buf[i] !== NEWLINE) continue;
            const ev = this.parseLine(f, buf.toString('utf8', i + 1, lineEnd), `byte ${start + i + 1}`);
            if (ev && !take(ev)) return;
            lineEnd = i;
          }
          tail = Buffer.from(buf.subarray(0, lineEnd));
          end = start;
        }
        const ev = this.parseLine(f, tail.toString('utf8'), 'byte 0');
        if (ev && !take(ev)) return;
      } finally {
        closeSync(fd);
      }
    }
  }

  private parseLine(file: string, line: string, where: string): VigilEvent | null {
    if (line.trim() === '') return null;
    const ev = parseEvent(line);
    if (!ev && !this.warned.has(`${file}\n${line}`)) {
      this.warned.add(`${file}\n${line}`);
      this.warn(`${file}:${where}: skipping a corrupt line (${line.length > 60 ? `${line.slice(0, 60)}…` : line})`);
    }
    return ev;
  }

  /**
   * After a failed write of `data` of which `off` bytes went in: cut the file
   * back to `before` when possible (nothing of the batch stays); otherwise keep
   * the whole lines that made it and remember that the file ends mid-line.
   * Returns how many of the batch's lines are in the file.
   */
  private keepPartial(fd: number, data: Buffer, off: number, before: number, lead: number): number {
    if (off === 0) return 0;
    try {
      ftruncateSync(fd, before);
      this.size = before;
      return 0;
    } catch {
      this.size = before + off;
    }
    let whole = 0;
    for (let i = lead; i < off; i++) if (data[i] === NEWLINE) whole++;
    this.torn = data[off - 1] !== NEWLINE;
    return whole;
  }

  private lastByte(): number {
    const b = Buffer.alloc(1);
    // The live descriptor is write-only (O_APPEND): read through a second one.
    const rfd = openSync(this.livePath, 'r');
    try {
      readSync(rfd, b, 0, 1, this.size - 1);
    } finally {
      closeSync(rfd);
    }
    return b[0]!;
  }

  /** Shifts events.N.jsonl up by one and starts a new live file; on failure the old one stays live. */
  private rotate(): void {
    fsyncSync(this.fd!);
    rmSync(path.join(this.dir, rotated(this.keep)), { force: true });
    for (let i = this.keep - 1; i >= 1; i--) {
      const from = path.join(this.dir, rotated(i));
      if (existsSync(from)) renameSync(from, path.join(this.dir, rotated(i + 1)));
    }
    renameSync(this.livePath, path.join(this.dir, rotated(1)));
    closeSync(this.fd!);
    this.fd = null;
    this.size = 0;
    this.torn = false;
    this.open();
  }
}

function parseEvent(line: string): VigilEvent | null {
  try {
    const ev = JSON.parse(line) as VigilEvent;
    return ev && typeof ev.seq === 'number' && typeof ev.time === 'number' && typeof ev.kind === 'string' ? ev : null;
  } catch {
    return null;
  }
}
