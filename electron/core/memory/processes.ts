// Process table from /proc/*/stat (one readdir + one small read per pid per
// tick), process trees by session and parentage, and per-tree memory from
// /proc/<pid>/status (+ smaps_rollup for PSS, which is expensive: the kernel
// walks every VMA, so callers sample it less often).
import { readdirSync } from 'node:fs';
import type { MemoryBreakdown } from '../../common/state.js';
import { parseStat, type StatInfo } from '../procfs/stat.js';
import { readSmall } from '../procfs/read.js';

/** One process as the table holds it: its /proc/<pid>/stat. */
export type ProcEntry = StatInfo;

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
    const e = parseStat(line);
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

/** What the sampler takes from /proc/<pid>/status: memory, and the ids that place the pid in a tree. */
export interface StatusFields extends StatusMemory {
  /** -1 when absent. */
  ppid: number;
  /** First NSsid (the session as seen from this /proc, kernel ≥ 4.1); -1 when absent. */
  session: number;
  /** State letter ('' when absent). */
  state: string;
}

// Each line is "Key:\t value"; keys compared as bytes.
const keyBytes = (k: string): Uint8Array => Uint8Array.from(k, (c) => c.charCodeAt(0));
const K_STATE = keyBytes('State');
const NUMERIC_KEYS: [Uint8Array, 'rss' | 'anon' | 'file' | 'shmem' | 'swap' | 'ppid' | 'session', number][] = [
  [keyBytes('PPid'), 'ppid', 1],
  [keyBytes('NSsid'), 'session', 1], // kernel ≥ 4.1; the first number is the session as seen from this /proc
  [keyBytes('VmRSS'), 'rss', 1024],
  [keyBytes('RssAnon'), 'anon', 1024],
  [keyBytes('RssFile'), 'file', 1024],
  [keyBytes('RssShmem'), 'shmem', 1024],
  [keyBytes('VmSwap'), 'swap', 1024],
];
const WANTED = NUMERIC_KEYS.length + 1;

function keyIs(b: Uint8Array, at: number, len: number, key: Uint8Array): boolean {
  if (len !== key.length) return false;
  for (let i = 0; i < len; i++) if (b[at + i] !== key[i]) return false;
  return true;
}

/**
 * Parse status straight from the read buffer: at 50 backends × 1 Hz the
 * text form cost a 1.4 KiB string per pid per tick plus slices, the largest
 * share of an idle Vigil's allocations (and so of its GC). Memory figures in
 * bytes; kernel threads have none (zeros). Stops after the last wanted key.
 */
export function parseStatusBytes(b: Uint8Array, n: number): StatusFields {
  const out: StatusFields = { rss: 0, anon: 0, file: 0, shmem: 0, swap: 0, ppid: -1, session: -1, state: '' };
  let found = 0;
  for (let i = 0; i < n && found < WANTED; ) {
    let colon = i;
    while (colon < n && b[colon] !== 58 /* : */ && b[colon] !== 10) colon++;
    let v = colon + 1;
    if (colon < n && b[colon] === 58) {
      while (v < n && (b[v] === 9 || b[v] === 32)) v++;
      if (keyIs(b, i, colon - i, K_STATE)) {
        if (v < n && b[v] !== 10) out.state = String.fromCharCode(b[v]!);
        found++;
      } else if (v < n && b[v]! >= 48 && b[v]! <= 57) {
        let num = 0;
        for (; v < n && b[v]! >= 48 && b[v]! <= 57; v++) num = num * 10 + b[v]! - 48;
        for (const [key, field, scale] of NUMERIC_KEYS) {
          if (!keyIs(b, i, colon - i, key)) continue;
          out[field] = num * scale;
          found++;
          break;
        }
      }
    }
    while (v < n && b[v] !== 10) v++;
    i = v + 1;
  }
  return out;
}

/** Memory fields of /proc/<pid>/status text in bytes. Kernel threads have none of them: all zero. */
export function parseStatus(text: string): StatusMemory {
  const f = parseStatusBytes(Buffer.from(text, 'latin1'), text.length);
  return { rss: f.rss, anon: f.anon, file: f.file, shmem: f.shmem, swap: f.swap };
}

/** Pss from smaps_rollup text, bytes; null when the file has no Pss line. */
export function parseSmapsRollupPss(text: string): number | null {
  const m = /^Pss:\s+(\d+)\s*kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

/** status of one pid; null when gone. Throws ReadFailure when unreadable. */
export function readStatusMemory(procRoot: string, pid: number): StatusMemory | null {
  const text = readSmall(`${procRoot}/${pid}/status`);
  return text === null ? null : parseStatus(text);
}

/** PSS of one pid (bytes); null when gone or the kernel gives none (kernel thread). Throws ReadFailure when unreadable. */
export function readPss(procRoot: string, pid: number): number | null {
  const text = readSmall(`${procRoot}/${pid}/smaps_rollup`);
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
