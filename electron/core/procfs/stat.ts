// /proc/<pid>/stat for the core: read (a failure other than "gone" is
// reported, not hidden), or kept open across ticks. The type and the parser
// are native-bindings/procfs.ts's, shared with the spawner.
import { closeSync } from 'node:fs';
import { parseStat, type StatInfo } from '../../../native-bindings/procfs.js';
import { openSmall, preadParse, readHead, readSmall } from './read.js';

export { parseStat, type StatInfo };

/** stat of a pid under procRoot; null when gone; throws ReadFailure for other errors (EACCES under hidepid …). */
export function readStat(procRoot: string, pid: number): StatInfo | null {
  const line = readSmall(`${procRoot}/${pid}/stat`);
  return line === null ? null : parseStat(line);
}

const statOfBytes = (b: Buffer, n: number): StatInfo | null => parseStat(b.toString('latin1', 0, n));

/**
 * /proc/<pid>/stat through an fd kept open across ticks (one pread instead of
 * open, read, close). The fd stays bound to its process: once the process is
 * reaped it reads ESRCH (null), never a newer process that got the pid.
 */
export class KeptStat {
  private fd: number | null | undefined;

  constructor(private readonly path: string) {}

  read(): StatInfo | null {
    if (this.fd === undefined) this.fd = openSmall(this.path);
    if (this.fd === null) return null;
    return preadParse(this.fd, this.path, statOfBytes);
  }

  close(): void {
    if (typeof this.fd === 'number') closeSync(this.fd);
    this.fd = null;
  }
}

let pageBytes = 0;
/** This machine's page size (stat's RSS and statm count pages): KernelPageSize of our own first mapping; 4096 when unreadable. */
export function pageSize(): number {
  if (pageBytes) return pageBytes;
  pageBytes = 4096;
  try {
    const m = /KernelPageSize:\s+(\d+) kB/.exec(readHead('/proc/self/smaps', 4096) ?? '');
    if (m) pageBytes = Number(m[1]) * 1024;
  } catch {
    /* keep 4096 */
  }
  return pageBytes;
}
