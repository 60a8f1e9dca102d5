// Incremental process scanning for the sampler. A full scan reads
// /proc/<pid>/stat for every pid; most of those never matter (they are in no
// backend tree and cannot join one: a process cannot enter another session,
// and only a subreaper's adoption could move it under a backend). So between
// full scans we read stat only for pids new since the last tick, and for
// backend-tree pids we read just /proc/<pid>/status, which carries PPid and
// NSsid besides the memory figures: one file per tree pid per tick, through
// an fd kept open across ticks (one pread instead of open+read+close).
import { readdirSync } from 'node:fs';
import { parseStatLine, parseStatus, ProcessTable, type ProcEntry, type StatusMemory } from './processes.js';
import { closeSync } from 'node:fs';
import { openSmall, preadSmall, readSmall } from './read.js';

/**
 * Re-read every pid's stat once a minute (at 1 Hz). Between full scans only
 * new pids are read; a pid outside every tree can join one only by being
 * adopted by a subreaper backend, which this bounds. At every 10th tick these
 * reads (≈270 files here) were a tenth of an idle Vigil's sampling CPU.
 */
export const FULL_SCAN_EVERY_N = 60;

/** Keep at most this many status fds open (bounded well under a default 1024 fd limit). */
const MAX_KEPT_FDS = 512;

export interface ScanResult {
  table: ProcessTable;
  /** Tree of each requested root pid (see ProcessTable.treeOf), only pids whose status was read this tick. */
  trees: Map<number, number[]>;
  /** Memory of every pid in `trees`. */
  memory: Map<number, StatusMemory>;
}

/** PPid and first NSsid (the session as seen from this /proc) and State letter from status text. */
function parseStatusIds(text: string): { ppid: number; session: number; state: string } | null {
  const grab = (key: string): string | null => {
    const at = text.indexOf(`\n${key}:`);
    if (at < 0) return null;
    const end = text.indexOf('\n', at + 1);
    return text.slice(at + key.length + 2, end < 0 ? undefined : end).trim();
  };
  const ppid = Number.parseInt(grab('PPid') ?? '', 10);
  const session = Number.parseInt(grab('NSsid') ?? '', 10); // kernel ≥ 4.1
  const state = grab('State')?.[0];
  if (!Number.isFinite(ppid) || !Number.isFinite(session) || !state) return null;
  return { ppid, session, state };
}

export class ProcessScanner {
  private readonly entries = new Map<number, ProcEntry>();
  /** Open /proc/<pid>/status fds of tree pids. */
  private readonly fds = new Map<number, number>();
  private tick = 0;

  /** fullEvery: re-read every pid's stat every N scans (bounds any staleness, e.g. a subreaper adopting). */
  constructor(
    private readonly procRoot = '/proc',
    private readonly fullEvery = FULL_SCAN_EVERY_N,
    private readonly onError?: (e: unknown) => void,
  ) {}

  scan(roots: readonly number[]): ScanResult {
    // Offset by half a period so full scans do not coincide with the sampler's PSS ticks (0, N, 2N …).
    const full = (this.tick++ + Math.floor(this.fullEvery / 2)) % this.fullEvery === 0;
    const seen = new Set<number>();
    for (const name of readdirSync(this.procRoot)) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      seen.add(pid);
      if (full || !this.entries.has(pid)) this.readStat(pid);
    }
    for (const pid of this.entries.keys()) if (!seen.has(pid)) this.entries.delete(pid);

    const memory = new Map<number, StatusMemory>();
    let table = new ProcessTable(this.entries);
    let trees = new Map(roots.map((r) => [r, table.treeOf(r)]));
    // Reading status may reveal a changed parent/session (or a vanished pid);
    // then the trees are recomputed and only the newly included pids read. Two rounds settle it in practice.
    for (let round = 0; round < 3; round++) {
      let changed = false;
      for (const pids of trees.values()) {
        for (const pid of pids) {
          if (memory.has(pid)) continue;
          if (this.readStatus(pid, memory)) changed = true;
        }
      }
      if (!changed) break;
      table = new ProcessTable(this.entries);
      trees = new Map(roots.map((r) => [r, table.treeOf(r)]));
    }
    for (const [root, pids] of trees) trees.set(root, pids.filter((p) => memory.has(p)));
    // Close fds of pids that left every tree (or vanished).
    for (const [pid, fd] of this.fds) {
      if (!memory.has(pid)) {
        closeSync(fd);
        this.fds.delete(pid);
      }
    }
    return { table, trees, memory };
  }

  /** Close every kept fd (the sampler calls this on stop). */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  private readStat(pid: number): void {
    let line: string | null;
    try {
      line = readSmall(`${this.procRoot}/${pid}/stat`);
    } catch (e) {
      this.onError?.(e);
      return;
    }
    const e = line === null ? null : parseStatLine(line);
    if (e) this.entries.set(pid, e);
    else this.entries.delete(pid);
  }

  /** Read status into `memory`; true when the table changed (pid gone, or new parent/session). */
  private readStatus(pid: number, memory: Map<number, StatusMemory>): boolean {
    const file = `${this.procRoot}/${pid}/status`;
    let text: string | null;
    try {
      let fd = this.fds.get(pid);
      if (fd === undefined && this.fds.size < MAX_KEPT_FDS) {
        fd = openSmall(file) ?? undefined;
        if (fd !== undefined) this.fds.set(pid, fd);
      }
      text = fd === undefined ? readSmall(file) : preadSmall(fd, file);
    } catch (e) {
      this.onError?.(e);
      return false;
    }
    if (text === null) {
      this.entries.delete(pid);
      return true;
    }
    memory.set(pid, parseStatus(text));
    const ids = parseStatusIds(text);
    const cur = this.entries.get(pid);
    if (!ids || !cur) return false;
    cur.state = ids.state;
    if (ids.ppid === cur.ppid && ids.session === cur.session) return false;
    cur.ppid = ids.ppid;
    cur.session = ids.session;
    return true;
  }
}
