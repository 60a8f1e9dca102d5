// One process's output, from the backend's log as the log's tailer reads it:
// the tailer hands over each read's bytes with their place in the file, and
// this passes on those from where the process started writing. So the log is
// read once (by the tailer, on fs.watch), never from the start again. What
// the tailer had already read when the process began (Vigil's own note, or
// the whole output of a process adopted from a previous Vigil) is read here
// once, from the file, up to a bound.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import type { LogChunk } from '../../logs/backend-log.js';

/** The part of BackendLog a follower uses. */
export interface TailedLog {
  readonly path: string;
  readonly position: { offset: number; epoch: number };
  /** Read what was appended since the last read (subscribers get it at once). */
  read(): void;
  subscribeChunks(cb: (chunk: LogChunk) => void): () => void;
}

/** At most this much output from before the follower started is read back (an adopted process's). */
export const BACKFILL_BYTES = 4 * 1024 * 1024;
// Vigil notes each spawn in the log before the process writes: an adopted process's output starts after the last one.
const START_NOTE = /^\[vigil\] \S+ starting: /gm;

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export class ProcessLogFollower {
  private readonly decoder = new StringDecoder('utf8');
  private unsubscribe: (() => void) | null = null;
  private epoch = 0;
  /** The next byte (of `epoch`) to pass on. */
  private next = 0;

  /**
   * `from`: the byte offset where the process's output starts (the size of
   * the log when it was spawned); null when unknown: then after Vigil's last
   * "starting:" note, or only what comes next.
   */
  constructor(
    private readonly log: TailedLog,
    private readonly from: number | null,
    private readonly onText: (text: string) => void,
  ) {}

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.log.subscribeChunks((c) => this.chunk(c));
    const { offset, epoch } = this.log.position;
    this.epoch = epoch;
    let from = this.from ?? this.lastStart(offset);
    // The file is shorter than where the process began: it was rotated since (Vigil's own note can
    // tip it over the size), and what it holds now was all written by the process.
    if (from > offset && from > sizeOf(this.log.path)) from = 0;
    if (from < offset) this.pass(this.readRange(Math.max(from, offset - BACKFILL_BYTES), offset));
    this.next = Math.max(from, offset);
    // Whatever the process wrote that the tailer has not read yet.
    this.log.read();
  }

  /** Pass on what the process wrote up to now (before a final look at it). */
  catchUp(): void {
    if (this.unsubscribe) this.log.read();
  }

  /** Catch up, then stop following. */
  stop(): void {
    if (!this.unsubscribe) return;
    this.log.read();
    this.unsubscribe();
    this.unsubscribe = null;
    const rest = this.decoder.end();
    if (rest) this.onText(rest);
  }

  private chunk(c: LogChunk): void {
    if (c.epoch !== this.epoch) {
      // The file was rotated or truncated: everything in the new one was written since.
      this.epoch = c.epoch;
      this.next = 0;
    }
    const end = c.start + c.data.length;
    if (end <= this.next) return;
    this.pass(c.data.subarray(Math.max(0, this.next - c.start)));
    this.next = end;
  }

  private pass(data: Buffer): void {
    if (data.length === 0) return;
    const text = this.decoder.write(data);
    if (text) this.onText(text);
  }

  /** Where the last process Vigil noted as starting begins writing, within the bytes before `end`; else `end`. */
  private lastStart(end: number): number {
    const base = Math.max(0, end - BACKFILL_BYTES);
    // latin1: one character per byte, so an index in the text is an offset in the file.
    const text = this.readRange(base, end).toString('latin1');
    let at = -1;
    for (const m of text.matchAll(START_NOTE)) at = m.index;
    if (at < 0) return end;
    const eol = text.indexOf('\n', at);
    return eol < 0 ? end : base + eol + 1;
  }

  private readRange(start: number, end: number): Buffer {
    if (end <= start) return Buffer.alloc(0);
    let fd: number;
    try {
      fd = openSync(this.log.path, 'r');
    } catch {
      return Buffer.alloc(0);
    }
    try {
      const buf = Buffer.allocUnsafe(end - start);
      const n = readSync(fd, buf, 0, buf.length, start);
      return buf.subarray(0, n);
    } catch {
      return Buffer.alloc(0);
    } finally {
      closeSync(fd);
    }
  }
}
