// Streaming /dev/kmsg reader that never blocks the event loop.
//
// /dev/kmsg hands out one record per read(2). Opened O_NONBLOCK, a read when
// caught up fails with EAGAIN; a blocking read would pin a threadpool thread
// forever, so reads go through fs.read on the threadpool and, once caught up,
// the reader waits for the device to be readable (epoll inside the event
// loop: a kill is read within a millisecond or so of the kernel's record),
// with a slow timer as a backstop. A file or FIFO replay, which epoll cannot
// watch, is looked at again every `pollMs`. EPIPE means the kernel overwrote records we
// had not read yet: we note a gap and go on. EINVAL means the buffer is too
// small for a record: we grow it once.
//
// The backlog is read at start (a kill while Vigil was down is still
// reported); `{bootId, lastSeq}` persisted in `stateDir` keeps a restart from
// reporting the same records twice. A regular file or FIFO in kmsg format
// works too (tests, replays): it is read in chunks and split into records.
import { closeSync, constants, fstatSync, mkdirSync, openSync, read, readFileSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { whenReadable } from '../../../native-bindings/readiness.js';
import { parseKmsgRecord, type KmsgRecord } from './kmsg-record.js';

// Readiness should always fire; the backstop only bounds the damage if it ever does not.
const READINESS_BACKSTOP_MS = 2000;
// Records read per event-loop turn while catching up on a backlog.
const DRAIN_BATCH = 256;
const PERSIST_EVERY_MS = 1000;

export const KMSG_STATE_FILE = 'kmsg-position.json';

export interface KmsgGap {
  /** First seq we expected; `got` is what came instead (null when unknown, EPIPE). */
  expected: number | null;
  got: number | null;
  reason: 'overwritten' | 'seq-jump';
}

export interface KmsgReaderOptions {
  path?: string;
  /** Folder for the persisted position; null = do not persist (every start reads the whole buffer). */
  stateDir: string | null;
  /** Defaults to /proc/sys/kernel/random/boot_id. */
  bootId?: string;
  /** Files and FIFOs: how often to look for more (ms). The device itself is watched for readiness. */
  pollMs?: number;
  /** The device: how long to wait for readiness before reading anyway (ms). */
  backstopMs?: number;
  /** The device: wait for readiness (default) or only poll every `pollMs`, the naive way the benchmark compares with. */
  readiness?: boolean;
  onRecord(rec: KmsgRecord, bootId: string): void;
  onGap?(gap: KmsgGap): void;
  onError?(err: Error): void;
}

export function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown-boot';
  }
}

interface Position {
  bootId: string;
  lastSeq: number;
}

export class KmsgReader {
  readonly path: string;
  readonly bootId: string;
  private fd: number | null = null;
  private buf = Buffer.alloc(8192);
  private charDevice = false;
  private decoder = new StringDecoder('utf8');
  private pending = '';
  private lastSeq = -1;
  private savedSeq = -1;
  /** Why the position could not be saved (an errno code), said once per cause. */
  private persistTrouble: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private cancelReadiness: (() => void) | null = null;
  private persistTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private caughtUp: (() => void) | null = null;

  constructor(private readonly opts: KmsgReaderOptions) {
    this.path = opts.path ?? '/dev/kmsg';
    this.bootId = opts.bootId ?? readBootId();
  }

  /** Last seq handed to onRecord (−1 before any). */
  get position(): number {
    return this.lastSeq;
  }

  /** Opens the source (throws a clear error when it cannot) and resolves once the backlog is read. */
  async start(): Promise<void> {
    const pos = this.loadPosition();
    if (pos && pos.bootId === this.bootId) this.lastSeq = this.savedSeq = pos.lastSeq;
    try {
      this.fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      throw new Error(`cannot open ${this.path}: ${err.code ?? err.message}`, { cause: e });
    }
    this.charDevice = fstatSync(this.fd).isCharacterDevice();
    this.stopped = false;
    await new Promise<void>((resolve) => {
      this.caughtUp = resolve;
      this.readNext();
    });
  }

  stop(): void {
    this.stopped = true;
    this.cancelReadiness?.();
    this.cancelReadiness = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = null;
    }
    this.persist();
    this.caughtUp?.();
    this.caughtUp = null;
  }

  private readNext(): void {
    if (this.stopped || this.fd === null) return;
    if (this.charDevice) return this.drainDevice();
    read(this.fd, this.buf, 0, this.buf.length, null, (err, n) => {
      if (this.stopped) return;
      if (err) return this.readFailed(err) ? this.readNext() : this.idle();
      if (n === 0) return this.idle(); // regular file / FIFO at its end
      this.split(this.decoder.write(this.buf.subarray(0, n)), false);
      this.readNext();
    });
  }

  /**
   * The device, opened O_NONBLOCK: a read returns one record or EAGAIN at
   * once, so it is read synchronously (no threadpool round trip between the
   * kernel's record and the event), in batches that yield to the event loop
   * while a long backlog is read.
   */
  private drainDevice(): void {
    for (let i = 0; i < DRAIN_BATCH; i++) {
      if (this.stopped || this.fd === null) return;
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        if (this.readFailed(e as NodeJS.ErrnoException)) continue;
        return this.idle();
      }
      if (n === 0) return this.idle();
      this.deliver(this.decoder.write(this.buf.subarray(0, n)));
    }
    setImmediate(() => this.readNext());
  }

  /** True when reading should go on at once (a gap noted, the buffer grown); false when idle (caught up, or an error reported). */
  private readFailed(err: NodeJS.ErrnoException): boolean {
    if (err.code === 'EAGAIN') return false;
    if (err.code === 'EPIPE') {
      this.opts.onGap?.({ expected: this.lastSeq + 1, got: null, reason: 'overwritten' });
      return true;
    }
    if (err.code === 'EINVAL' && this.buf.length < 65536) {
      this.buf = Buffer.alloc(65536);
      return true;
    }
    this.opts.onError?.(new Error(`reading ${this.path}: ${err.code ?? err.message}`));
    return false;
  }

  /** Caught up: flush a partial file record, persist, and wait for more: readiness for the device, a timer for files. */
  private idle(): void {
    if (!this.charDevice) this.split('', true);
    this.persistSoon();
    const done = this.caughtUp;
    this.caughtUp = null;
    done?.();
    if (this.stopped) return;
    if (this.charDevice && this.opts.readiness !== false && this.fd !== null && this.armReadiness(this.fd)) return;
    this.timer = setTimeout(() => this.readNext(), this.opts.pollMs ?? 100);
  }

  /** Read again when the device has a record, or after the backstop period; false when the fd cannot be polled. */
  private armReadiness(fd: number): boolean {
    let cancel: () => void;
    try {
      cancel = whenReadable(fd, () => {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
        this.cancelReadiness = null;
        this.readNext();
      });
    } catch {
      return false;
    }
    this.cancelReadiness = cancel;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.cancelReadiness?.();
      this.cancelReadiness = null;
      this.readNext();
    }, this.opts.backstopMs ?? READINESS_BACKSTOP_MS);
    this.timer.unref();
    return true;
  }

  /** File/FIFO replay: a record is a line not starting with ' ' plus its ' KEY=value' lines. */
  private split(chunk: string, atEnd: boolean): void {
    this.pending += chunk;
    let start = 0;
    for (;;) {
      const nl = this.pending.indexOf('\n', start);
      if (nl < 0) break;
      const next = this.pending[nl + 1];
      if (next === ' ') {
        start = nl + 1; // continuation line: keep accumulating
        continue;
      }
      if (next === undefined && !atEnd) break; // a continuation may still come
      this.deliver(this.pending.slice(0, nl + 1));
      this.pending = this.pending.slice(nl + 1);
      start = 0;
    }
    if (atEnd && this.pending.endsWith('\n')) {
      this.deliver(this.pending);
      this.pending = '';
    }
  }

  private deliver(raw: string): void {
    const rec = parseKmsgRecord(raw);
    if (!rec) return;
    if (rec.seq <= this.lastSeq) return; // already reported before a restart
    if (this.lastSeq >= 0 && rec.seq > this.lastSeq + 1 && this.charDevice === false) this.opts.onGap?.({ expected: this.lastSeq + 1, got: rec.seq, reason: 'seq-jump' });
    this.lastSeq = rec.seq;
    try {
      this.opts.onRecord(rec, this.bootId);
    } catch (e) {
      this.opts.onError?.(e as Error);
    }
  }

  private loadPosition(): Position | null {
    if (!this.opts.stateDir) return null;
    try {
      const p = JSON.parse(readFileSync(join(this.opts.stateDir, KMSG_STATE_FILE), 'utf8')) as Partial<Position>;
      return typeof p.bootId === 'string' && typeof p.lastSeq === 'number' ? { bootId: p.bootId, lastSeq: p.lastSeq } : null;
    } catch {
      return null; // missing or corrupt: read the whole buffer once more
    }
  }

  /** The position is for the next start only: write it at most once a second while records flow. */
  private persistSoon(): void {
    if (this.persistTimer || this.lastSeq === this.savedSeq) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      this.persist();
    }, PERSIST_EVERY_MS);
    this.persistTimer.unref();
  }

  private persist(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = null;
    if (!this.opts.stateDir || this.lastSeq === this.savedSeq) return;
    try {
      mkdirSync(this.opts.stateDir, { recursive: true });
      const file = join(this.opts.stateDir, KMSG_STATE_FILE);
      writeFileSync(`${file}.tmp`, JSON.stringify({ bootId: this.bootId, lastSeq: this.lastSeq }));
      renameSync(`${file}.tmp`, file); // atomic: a crash never leaves half a file
      this.savedSeq = this.lastSeq;
      this.persistTrouble = null;
    } catch (e) {
      // A full or read-only state directory fails every save: say it once, keep trying quietly.
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      if (code !== this.persistTrouble) this.opts.onError?.(new Error(`saving kmsg position in ${this.opts.stateDir}: ${(e as Error).message} (said once; a restart of Vigil may re-read older kernel records)`));
      this.persistTrouble = code;
    }
  }
}
