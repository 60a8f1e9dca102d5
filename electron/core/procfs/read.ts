// Small, allocation-light file readers for procfs/sysfs. Files there vanish
// under us (a process exits between readdir and open), so "gone" is a normal
// answer, not an exception.
import { closeSync, openSync, readSync } from 'node:fs';

/** errno codes that mean "the process/file went away": not an error. */
const GONE = new Set(['ENOENT', 'ESRCH']);

export const errnoOf = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | null)?.code;

/** A read that failed for a reason other than the file being gone. */
export class ReadFailure extends Error {
  constructor(readonly path: string, readonly code: string | undefined, cause: unknown) {
    super(`${path}: ${code ?? (cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'ReadFailure';
  }
}

// procfs stat/status files are < 4 KiB; one reused buffer avoids a Buffer
// allocation per pid per tick (readFileSync also fstat()s first, which
// procfs answers with size 0, so it would read in a loop anyway).
let scratch = Buffer.alloc(16 * 1024);

/**
 * Text of a small procfs/sysfs file; null when it does not exist (ENOENT/ESRCH).
 * Throws ReadFailure for anything else (EACCES, EIO …) so callers can report once.
 */
export function readSmall(path: string): string | null {
  return readParse(path, latin1);
}

const latin1 = (b: Buffer, n: number): string => b.toString('latin1', 0, n);

/** readSmall, handing `parse` the bytes (valid only during the call) instead of making a string. */
export function readParse<T>(path: string, parse: (b: Buffer, n: number) => T): T | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (GONE.has(errnoOf(e) ?? '')) return null;
    throw new ReadFailure(path, errnoOf(e), e);
  }
  try {
    let total = 0;
    for (;;) {
      const room = scratch.length - total;
      const n = readSync(fd, scratch, total, room, null);
      total += n;
      // A short read is EOF for the files read here (stat, status, meminfo …:
      // one record, which seq_file grows its buffer to hand out whole);
      // skipping the extra read() that would return 0 saves a syscall per
      // file. Tables printed a record at a time (/proc/net/tcp) come about a
      // page per read and are not for this reader.
      if (n < room) break;
      if (total === scratch.length) {
        const bigger = Buffer.alloc(scratch.length * 2);
        scratch.copy(bigger);
        scratch = bigger;
      }
    }
    return parse(scratch, total);
  } catch (e) {
    if (GONE.has(errnoOf(e) ?? '')) return null;
    throw new ReadFailure(path, errnoOf(e), e);
  } finally {
    closeSync(fd);
  }
}

/** The first `bytes` of a file as text (for files too big to read whole); null when it does not exist. */
export function readHead(path: string, bytes: number): string | null {
  const fd = openSmall(path);
  if (fd === null) return null;
  try {
    const b = Buffer.alloc(bytes);
    return b.toString('latin1', 0, readSync(fd, b, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * Re-read a procfs file through an fd kept open across ticks: one pread
 * instead of open+read+close. An fd of /proc/<pid>/… stays bound to that
 * process, so it answers ESRCH (→ null) once the process is gone and can
 * never show a newer process that reused the pid.
 */
export function preadSmall(fd: number, pathForErrors: string): string | null {
  return preadParse(fd, pathForErrors, latin1);
}

/** preadSmall, handing `parse` the bytes (valid only during the call) instead of making a string. */
export function preadParse<T>(fd: number, pathForErrors: string, parse: (b: Buffer, n: number) => T): T | null {
  let n: number;
  try {
    n = readSync(fd, scratch, 0, scratch.length, 0);
  } catch (e) {
    if (GONE.has(errnoOf(e) ?? '')) return null;
    throw new ReadFailure(pathForErrors, errnoOf(e), e);
  }
  if (n === scratch.length) return readParse(pathForErrors, parse); // larger than the buffer: rare, take the slow path that grows it
  return parse(scratch, n);
}

/** open(2) for a kept fd; null when the file is gone. Throws ReadFailure otherwise. */
export function openSmall(path: string): number | null {
  try {
    return openSync(path, 'r');
  } catch (e) {
    if (GONE.has(errnoOf(e) ?? '')) return null;
    throw new ReadFailure(path, errnoOf(e), e);
  }
}

/**
 * A procfs/sysfs file re-read each tick through a kept fd (one pread instead
 * of open+read+close). Opened on first use, and again after the file was gone
 * or a read failed. Unlike a /proc/<pid>/ file, a system-wide one never goes stale.
 */
export class KeptFile {
  private fd: number | null = null;

  constructor(readonly path: string) {}

  /** Text, or null when the file does not exist. Throws ReadFailure for anything else. */
  read(): string | null {
    if (this.fd === null) this.fd = openSmall(this.path);
    if (this.fd === null) return null;
    try {
      const text = preadSmall(this.fd, this.path);
      if (text === null) this.close();
      return text;
    } catch (e) {
      this.close();
      throw e;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
