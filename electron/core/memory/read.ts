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
      // A short read is EOF for procfs/sysfs (seq_file fills the buffer when
      // it can); skipping the extra read() that would return 0 saves a syscall per file.
      if (n < room) break;
      if (total === scratch.length) {
        const bigger = Buffer.alloc(scratch.length * 2);
        scratch.copy(bigger);
        scratch = bigger;
      }
    }
    return scratch.toString('latin1', 0, total);
  } catch (e) {
    if (GONE.has(errnoOf(e) ?? '')) return null;
    throw new ReadFailure(path, errnoOf(e), e);
  } finally {
    closeSync(fd);
  }
}

/** Like readSmall, but for files whose absence is an error worth naming. */
export function readRequired(path: string): string {
  const text = readSmall(path);
  if (text === null) throw new ReadFailure(path, 'ENOENT', new Error('ENOENT'));
  return text;
}

/**
 * Re-read a procfs file through an fd kept open across ticks: one pread
 * instead of open+read+close. An fd of /proc/<pid>/… stays bound to that
 * process, so it answers ESRCH (→ null) once the process is gone and can
 * never show a newer process that reused the pid.
 */
export function preadSmall(fd: number, pathForErrors: string): string | null {
  try {
    const n = readSync(fd, scratch, 0, scratch.length, 0);
    if (n === scratch.length) return readSmall(pathForErrors); // larger than the buffer: rare, take the slow path that grows it
    return scratch.toString('latin1', 0, n);
  } catch (e) {
    if (GONE.has(errnoOf(e) ?? '')) return null;
    throw new ReadFailure(pathForErrors, errnoOf(e), e);
  }
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
