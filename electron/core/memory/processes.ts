// Process table from /proc/*/stat (one readdir + one small read per pid per
// tick), process trees by session and parentage, and per-tree memory from
// /proc/<pid>/status (+ smaps_rollup for PSS, which is expensive: the kernel
// walks every VMA, so callers sample it less often).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { MemoryBreakdown } from '../../common/state.js';
import { readSmall } from './read.js';

export interface ProcEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  /** State letter (R, S, D, Z, T …). */
  state: string;
  /** Field 22, clock ticks after boot. */
  starttime: number;
}

/** Parse one /proc/<pid>/stat line; null when malformed. Fields are counted from the LAST ')' (comm may hold ') '). */
export function parseStatLine(line: string): ProcEntry | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(line, 10);
  const rest = line.slice(close + 2).split(' ');
  // rest[0] = field 3 (state); field n is rest[n - 3].
  const state = rest[0];
  const ppid = Number(rest[1]);
  const pgrp = Number(rest[2]);
  const session = Number(rest[3]);
  const starttime = Number(rest[19]);
  if (!state || !Number.isFinite(pid) || !Number.isFinite(ppid) || !Number.isFinite(session) || !Number.isFinite(starttime)) return null;
  return { pid, ppid, pgrp, session, state, starttime };
}

export class ProcessTable {
  private children: Map<number, number[]> | null = null;

  constructor(readonly entries: ReadonlyMap<number, ProcEntry>) {}

  get size(): number {
    return this.entries.size;
  }

  /**
   * The backend's tree: every pid in its session (it leads one, sid = pid)
   * plus every descendant by parentage (a child that called setsid() still
   * belongs to it). Includes rootPid itself when it exists. Sorted ascending.
   */
  treeOf(rootPid: number): number[] {
    const out = new Set<number>();
    for (const e of this.entries.values()) if (e.session === rootPid) out.add(e.pid);
    if (this.entries.has(rootPid)) out.add(rootPid);
    const kids = this.childMap();
    const stack = [...out];
    while (stack.length) {
      const pid = stack.pop()!;
      for (const c of kids.get(pid) ?? []) {
        if (!out.has(c)) {
          out.add(c);
          stack.push(c);
        }
      }
    }
    return [...out].sort((a, b) => a - b);
  }

  private childMap(): Map<number, number[]> {
    if (this.children) return this.children;
    const m = new Map<number, number[]>();
    for (const e of this.entries.values()) {
      const list = m.get(e.ppid);
      if (list) list.push(e.pid);
      else m.set(e.ppid, [e.pid]);
    }
    this.children = m;
    return m;
  }
}

/**
 * Read /proc/[0-9]*\/stat once. Processes that vanish mid-read are skipped;
 * an unreadable stat (EACCES, e.g. hidepid) is passed to onError and skipped.
 */
export function listProcesses(procRoot = '/proc', onError?: (e: unknown) => void): ProcessTable {
  const entries = new Map<number, ProcEntry>();
  for (const name of readdirSync(procRoot)) {
    const c = name.charCodeAt(0);
    if (c < 48 || c > 57) continue; // not a pid directory
    let line: string | null;
    try {
      line = readSmall(`${procRoot}/${name}/stat`);
    } catch (e) {
      onError?.(e);
      continue;
    }
    if (line === null) continue;
    const e = parseStatLine(line);
    if (e) entries.set(e.pid, e);
  }
  return new ProcessTable(entries);
}

export interface StatusMemory {
  rss: number;
  anon: number;
  file: number;
  shmem: number;
  swap: number;
}

const STATUS_KEYS: Record<string, keyof StatusMemory> = {
  VmRSS: 'rss',
  RssAnon: 'anon',
  RssFile: 'file',
  RssShmem: 'shmem',
  VmSwap: 'swap',
};

/** Memory fields of /proc/<pid>/status in bytes. Kernel threads have none of them: all zero. */
export function parseStatus(text: string): StatusMemory {
  const out: StatusMemory = { rss: 0, anon: 0, file: 0, shmem: 0, swap: 0 };
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const colon = text.indexOf(':', start);
    if (colon > start && colon < end) {
      const key = STATUS_KEYS[text.slice(start, colon)];
      if (key) out[key] = Number.parseInt(text.slice(colon + 1, end).trim(), 10) * 1024 || 0;
    }
    start = end + 1;
  }
  return out;
}

/** Pss from smaps_rollup text, bytes; null when the file has no Pss line. */
export function parseSmapsRollupPss(text: string): number | null {
  const m = /^Pss:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

/** status of one pid; null when gone. Throws ReadFailure when unreadable. */
export function readStatusMemory(procRoot: string, pid: number): StatusMemory | null {
  const text = readSmall(path.join(procRoot, String(pid), 'status'));
  return text === null ? null : parseStatus(text);
}

/** PSS of one pid (bytes); null when gone or the kernel gives none (kernel thread). Throws ReadFailure when unreadable. */
export function readPss(procRoot: string, pid: number): number | null {
  const text = readSmall(path.join(procRoot, String(pid), 'smaps_rollup'));
  return text === null ? null : parseSmapsRollupPss(text);
}

/**
 * Sum status memory over pids. Vanished pids are skipped (and not counted);
 * unreadable ones go to onError and are skipped. PSS is left for the caller.
 */
export function sumTreeMemory(procRoot: string, pids: readonly number[], onError?: (e: unknown) => void): Omit<MemoryBreakdown, 'pss'> & { pids: number[] } {
  const sum = { rss: 0, anon: 0, file: 0, shmem: 0, swap: 0, processes: 0, pids: [] as number[] };
  for (const pid of pids) {
    let m: StatusMemory | null;
    try {
      m = readStatusMemory(procRoot, pid);
    } catch (e) {
      onError?.(e);
      continue;
    }
    if (!m) continue;
    sum.rss += m.rss;
    sum.anon += m.anon;
    sum.file += m.file;
    sum.shmem += m.shmem;
    sum.swap += m.swap;
    sum.processes++;
    sum.pids.push(pid);
  }
  return sum;
}

/** Sum of PSS over pids; null when none could be read. */
export function sumTreePss(procRoot: string, pids: readonly number[], onError?: (e: unknown) => void): number | null {
  let total = 0;
  let any = false;
  for (const pid of pids) {
    try {
      const p = readPss(procRoot, pid);
      if (p !== null) {
        total += p;
        any = true;
      }
    } catch (e) {
      onError?.(e);
    }
  }
  return any ? total : null;
}
