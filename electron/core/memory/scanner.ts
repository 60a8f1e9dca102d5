// Incremental process scanning for the sampler. A full scan reads
// /proc/<pid>/stat for every pid; most of those never matter (they are in no
// backend tree and cannot join one: a process cannot enter another session,
// and only a subreaper's adoption could move it under a backend). So between
// full scans we list /proc only when a pid was handed out since the last tick
// (the last-pid field of /proc/loadavg moved), read stat only for pids new
// since then, and keep the trees while nothing changed. For backend-tree pids
// we read just /proc/<pid>/status, which carries PPid and NSsid besides the
// memory figures: one file per tree pid per tick, through an fd kept open
// across ticks (one pread instead of open+read+close), parsed from its bytes.
import { closeSync, readdirSync } from 'node:fs';
import { parseStatLine, parseStatusBytes, ProcessTable, type ProcEntry, type StatusFields } from './processes.js';
import { openSmall, preadParse, readParse, readSmall } from './read.js';

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
  /** Status (memory and ids) of every pid in `trees`. */
  memory: Map<number, StatusFields>;
}

/** The last pid handed out in this /proc's namespace: the 5th field of loadavg ("0.00 0.01 0.05 1/234 5678"). */
function lastPidOf(b: Uint8Array, n: number): number {
  let end = n;
  while (end > 0 && (b[end - 1] === 10 || b[end - 1] === 32)) end--;
  let start = end;
  while (start > 0 && b[start - 1]! >= 48 && b[start - 1]! <= 57) start--;
  if (start === end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) v = v * 10 + b[i]! - 48;
  return v;
}

export class ProcessScanner {
  private readonly entries = new Map<number, ProcEntry>();
  /** Open /proc/<pid>/status fds of tree pids. */
  private readonly fds = new Map<number, number>();
  private tick = 0;
  /** Kept fd of loadavg; null when there is none (then /proc is listed every tick). */
  private loadavgFd: number | null | undefined;
  private lastPid = -1;
  /** Table and trees of the last scan, reused while `dirty` is false and the roots are the same. */
  private table: ProcessTable | null = null;
  private trees = new Map<number, number[]>();
  private roots: number[] = [];
  private dirty = true;

  /** fullEvery: re-read every pid's stat every N scans (bounds any staleness, e.g. a subreaper adopting). */
  constructor(
    private readonly procRoot = '/proc',
    private readonly fullEvery = FULL_SCAN_EVERY_N,
    private readonly onError?: (e: unknown) => void,
  ) {}

  scan(roots: readonly number[]): ScanResult {
    // Offset by half a period so full scans do not coincide with the sampler's PSS ticks (0, N, 2N …).
    const full = (this.tick++ + Math.floor(this.fullEvery / 2)) % this.fullEvery === 0;
    if (this.pidsHandedOut() || full) this.listPids(full);
    if (roots.length !== this.roots.length || roots.some((r, i) => r !== this.roots[i])) {
      this.roots = [...roots];
      this.dirty = true;
    }

    const memory = new Map<number, StatusFields>();
    // Reading status may reveal a changed parent/session (or a vanished pid);
    // then the trees are recomputed and only the newly included pids read. Two rounds settle it in practice.
    for (let round = 0; round < 3; round++) {
      if (this.dirty || !this.table) {
        this.table = new ProcessTable(this.entries);
        this.trees = new Map(roots.map((r) => [r, this.table!.treeOf(r)]));
        this.dirty = false;
      }
      let changed = false;
      for (const pids of this.trees.values()) {
        for (const pid of pids) {
          if (memory.has(pid)) continue;
          if (this.readStatus(pid, memory)) changed = true;
        }
      }
      if (!changed) break;
      this.dirty = true;
    }
    const trees = new Map<number, number[]>();
    for (const [root, pids] of this.trees) trees.set(root, pids.every((p) => memory.has(p)) ? pids : pids.filter((p) => memory.has(p)));
    // Close fds of pids that left every tree (or vanished).
    for (const [pid, fd] of this.fds) {
      if (!memory.has(pid)) {
        closeSync(fd);
        this.fds.delete(pid);
      }
    }
    return { table: this.table!, trees, memory };
  }

  /** Close every kept fd (the sampler calls this on stop). */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    if (typeof this.loadavgFd === 'number') closeSync(this.loadavgFd);
    this.loadavgFd = undefined;
  }

  /**
   * Whether a pid was handed out since the last call (true when unknown).
   * Without one, no process (or thread) was created, so listing /proc would
   * find nothing new; vanished pids outside the trees may linger until a
   * listing, which is harmless (a tree pid's own status read notices its end).
   */
  private pidsHandedOut(): boolean {
    const file = `${this.procRoot}/loadavg`;
    let last: number | null = null;
    try {
      if (this.loadavgFd === undefined) this.loadavgFd = openSmall(file);
      if (this.loadavgFd !== null) last = preadParse(this.loadavgFd, file, lastPidOf);
    } catch (e) {
      this.onError?.(e);
    }
    if (last === null || last < 0) return true;
    const moved = last !== this.lastPid;
    this.lastPid = last;
    return moved;
  }

  private listPids(full: boolean): void {
    const seen = new Set<number>();
    for (const name of readdirSync(this.procRoot)) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      seen.add(pid);
      if (full || !this.entries.has(pid)) this.readStat(pid);
    }
    for (const pid of this.entries.keys()) {
      if (!seen.has(pid)) {
        this.entries.delete(pid);
        this.dirty = true;
      }
    }
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
    const cur = this.entries.get(pid);
    if (e && cur && e.ppid === cur.ppid && e.session === cur.session && e.starttime === cur.starttime) {
      cur.state = e.state;
      return;
    }
    if (e) this.entries.set(pid, e);
    else this.entries.delete(pid);
    this.dirty = true;
  }

  /** Read status into `memory`; true when the table changed (pid gone, or new parent/session). */
  private readStatus(pid: number, memory: Map<number, StatusFields>): boolean {
    const file = `${this.procRoot}/${pid}/status`;
    let f: StatusFields | null;
    try {
      let fd = this.fds.get(pid);
      if (fd === undefined && this.fds.size < MAX_KEPT_FDS) {
        fd = openSmall(file) ?? undefined;
        if (fd !== undefined) this.fds.set(pid, fd);
      }
      f = fd === undefined ? readParse(file, parseStatusBytes) : preadParse(fd, file, parseStatusBytes);
    } catch (e) {
      this.onError?.(e);
      return false;
    }
    if (f === null) {
      this.entries.delete(pid);
      return true;
    }
    memory.set(pid, f);
    const cur = this.entries.get(pid);
    if (f.ppid < 0 || f.session < 0 || !f.state || !cur) return false;
    cur.state = f.state;
    if (f.ppid === cur.ppid && f.session === cur.session) return false;
    cur.ppid = f.ppid;
    cur.session = f.session;
    return true;
  }
}
