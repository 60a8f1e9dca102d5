// /proc/<pid>/stat parsing. comm may contain spaces and ')' so fields are
// counted from the LAST ')' (field 3, the state, follows it).
import { closeSync, openSync, readSync } from 'node:fs';

export interface StatFields {
  comm: string;
  state: string;
  ppid: number;
  pgid: number;
  /** Field 22: start time in clock ticks after boot. */
  startTime: number;
}

// Reused read buffer: stat lines are < 1 KiB even with a 15-byte comm and large counters.
const buf = Buffer.alloc(4096);

/** Raw stat line, or null when the process does not exist (ENOENT/ESRCH). */
export function readStatLine(pid: number): string | null {
  let fd: number;
  try {
    fd = openSync(`/proc/${pid}/stat`, 'r');
  } catch {
    return null;
  }
  try {
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.toString('latin1', 0, n);
  } catch {
    // ESRCH when the process vanished between open and read.
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Parse a /proc/<pid>/stat line; null if it is malformed. */
export function parseStat(line: string): StatFields | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const comm = line.slice(open + 1, close);
  // After ") ": field 3 (state) is index 0 of rest.
  const rest = line.slice(close + 2).split(' ');
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgid = Number(rest[2]);
  const startTime = Number(rest[19]);
  if (!state || !Number.isFinite(ppid) || !Number.isFinite(pgid) || !Number.isFinite(startTime)) return null;
  return { comm, state, ppid, pgid, startTime };
}

export function readStat(pid: number): StatFields | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const line = readStatLine(pid);
  return line === null ? null : parseStat(line);
}

/** Field 22 of /proc/<pid>/stat, or null when the process is gone. */
export function readStartTime(pid: number): number | null {
  return readStat(pid)?.startTime ?? null;
}
