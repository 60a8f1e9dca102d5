// /proc/<pid>/stat: the one type and the one parser, for every layer (the
// spawner's start time, the sampler's process table, watch mode). comm may
// contain spaces and ')', so fields are counted from the LAST ')' (field 3,
// the state, follows it). The parser walks spaces instead of split(): it
// runs for every pid every tick, and needs only a few of the 52 fields.
import { closeSync, openSync, readSync } from 'node:fs';

export interface StatInfo {
  pid: number;
  comm: string;
  /** State letter: R S D T t Z X … */
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  /** Field 22, clock ticks after boot: with the pid, the process's identity. */
  startTime: number;
  /** Field 24, pages. */
  rssPages: number;
  /** Field 38: -1 for a thread that is not its group's leader (it signals nobody when it ends); NaN when the line is short. */
  exitSignal: number;
}

const FIELD_STATE = 3;
const FIELD_START = 22;
const FIELD_RSS = 24;
const FIELD_EXIT_SIGNAL = 38;

/** Parse a /proc/<pid>/stat line; null if it is malformed. */
export function parseStat(line: string): StatInfo | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number.parseInt(line, 10);
  let state = '';
  let ppid = NaN;
  let pgrp = NaN;
  let session = NaN;
  let startTime = NaN;
  let rssPages = NaN;
  let exitSignal = NaN;
  let start = close + 2;
  for (let field = FIELD_STATE; field <= FIELD_EXIT_SIGNAL && start < line.length; field++) {
    let end = line.indexOf(' ', start);
    if (end < 0) end = line.length;
    if (field <= 6 || field === FIELD_START || field === FIELD_RSS || field === FIELD_EXIT_SIGNAL) {
      const s = line.slice(start, end);
      switch (field) {
        case 3: state = s; break;
        case 4: ppid = Number(s); break;
        case 5: pgrp = Number(s); break;
        case 6: session = Number(s); break;
        case FIELD_START: startTime = Number(s); break;
        case FIELD_RSS: rssPages = Number(s); break;
        default: exitSignal = Number(s);
      }
    }
    start = end + 1;
  }
  if (!state || ![pid, ppid, pgrp, session, startTime, rssPages].every(Number.isFinite)) return null;
  return { pid, comm: line.slice(open + 1, close), state, ppid, pgrp, session, startTime, rssPages, exitSignal };
}

// Reused read buffer: stat lines are < 1 KiB even with a 15-byte comm and large counters.
const buf = Buffer.alloc(4096);

/** Raw stat line, or null when the process does not exist (ENOENT/ESRCH) or cannot be read. */
export function readStatLine(pid: number, procRoot = '/proc'): string | null {
  let fd: number;
  try {
    fd = openSync(`${procRoot}/${pid}/stat`, 'r');
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

/** stat of a pid; null when gone (or not a valid pid). */
export function readStat(pid: number, procRoot = '/proc'): StatInfo | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const line = readStatLine(pid, procRoot);
  return line === null ? null : parseStat(line);
}

/** Field 22 of /proc/<pid>/stat, or null when the process is gone. */
export function readStartTime(pid: number): number | null {
  return readStat(pid)?.startTime ?? null;
}
