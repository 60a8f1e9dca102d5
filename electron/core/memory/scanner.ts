// Incremental process scanning for the sampler. A full scan reads
// /proc/<pid>/stat for every pid; most of those never matter (they are in no
// backend tree and cannot join one: a process cannot enter another session,
// and only a subreaper's adoption could move it under a backend). So between
// full scans we list /proc only when a pid was handed out since the last tick
// (the last-pid field of /proc/loadavg moved), read stat only for pids new
// since then, and keep the trees while nothing changed. For backend-tree pids
// we read /proc/<pid>/status (memory figures, plus the PPid and NSsid that
// place the pid in a tree) on its first tick and every STATUS_EVERY_N ticks,
// and the much cheaper statm in between: one file per tree pid per tick,
// through fds kept open across ticks (one pread instead of open+read+close),
// parsed from their bytes.
import { closeSync, readdirSync } from 'node:fs';
import { parseStatusBytes, ProcessTable, type ProcEntry, type StatusFields } from './processes.js';
import { openSmall, preadParse, readParse, readSmall } from '../procfs/read.js';
import { pageSize, parseStat } from '../procfs/stat.js';
import { LastPidReader } from '../procfs/last-pid.js';

/**
 * Re-read every pid's stat once a minute (at 1 Hz). Between full scans only
 * new pids are read; a pid outside every tree can join one only by being
 * adopted by a subreaper backend, which this bounds. Reading them every 10th
 * tick instead (≈270 files on a desktop) would cost a tenth of an idle Vigil's
 * sampling CPU.
 */
export const FULL_SCAN_EVERY_N = 60;

/**
 * A tree pid's full status every N ticks (staggered by pid, and on its first
 * tick); statm in between. statm is a few numbers the kernel reads from the
 * mm counters; status formats ~55 lines and takes the signal lock, ≈4× the
 * kernel time here. statm gives RSS and its anon/(file+shmem) split; the
 * file/shmem split, swap and the PPid/NSsid that place the pid in a tree come
 * from the last status read (at most N−1 s old; a new pid or a full scan
 * still finds a changed tree at once).
 */
export const STATUS_EVERY_N = 10;

/** Keep at most this many status/statm fds open (bounded well under a default 1024 fd limit). */
const MAX_KEPT_FDS = 512;

/** Kept fds of one tree pid and its last status figures. */
interface KeptPid {
  status: number | null;
  statm: number | null;
  last: StatusFields | null;
}

/** resident and shared pages, the 2nd and 3rd fields of statm ("size resident shared text lib data dt"); null when malformed. */
function parseStatm(b: Uint8Array, n: number): [number, number] | null {
  const f = [0, 0, 0];
  let field = 0;
  let digits = 0;
  for (let i = 0; i < n && field < 3; i++) {
    const c = b[i]!;
    if (c >= 48 && c <= 57) {
      f[field] = f[field]! * 10 + c - 48;
      digits++;
    } else if (digits > 0) {
      field++;
      digits = 0;
    }
  }
  if (field < 2 || (field === 2 && digits === 0)) return null;
  return [f[1]!, f[2]!];
}


export interface ScanResult {
  table: ProcessTable;
  /** Tree of each requested root pid (see ProcessTable.treeOf), only pids whose status was read this tick. */
  trees: Map<number, number[]>;
  /** Status (memory and ids) of every pid in `trees`. */
  memory: Map<number, StatusFields>;
}

export class ProcessScanner {
  private readonly entries = new Map<number, ProcEntry>();
  /** Kept fds and last status of tree pids. */
  private readonly kept = new Map<number, KeptPid>();
  private keptFds = 0;
  /** Reads so far, by kind (tests and benchmarks). */
  readonly reads = { status: 0, statm: 0 };
  private tick = 0;
  /** Kept fd of loadavg; null when there is none (then /proc is listed every tick). */
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
  ) {
    this.lastPidReader = new LastPidReader(procRoot, onError);
  }

  private readonly lastPidReader: LastPidReader;

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
          if (this.readMemory(pid, memory)) changed = true;
        }
      }
      if (!changed) break;
      this.dirty = true;
    }
    const trees = new Map<number, number[]>();
    for (const [root, pids] of this.trees) trees.set(root, pids.every((p) => memory.has(p)) ? pids : pids.filter((p) => memory.has(p)));
    // Close fds of pids that left every tree (or vanished).
    for (const [pid, k] of this.kept) {
      if (!memory.has(pid)) {
        this.release(k);
        this.kept.delete(pid);
      }
    }
    return { table: this.table!, trees, memory };
  }

  /** Close every kept fd (the sampler calls this on stop). */
  close(): void {
    for (const k of this.kept.values()) this.release(k);
    this.kept.clear();
    this.lastPidReader.close();
  }

  /**
   * Whether a pid was handed out since the last call (true when unknown).
   * Without one, no process (or thread) was created, so listing /proc would
   * find nothing new; vanished pids outside the trees may linger until a
   * listing, which is harmless (a tree pid's own status read notices its end).
   */
  private pidsHandedOut(): boolean {
    const last = this.lastPidReader.read();
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
    const e = line === null ? null : parseStat(line);
    const cur = this.entries.get(pid);
    if (e && cur && e.ppid === cur.ppid && e.session === cur.session && e.startTime === cur.startTime) {
      cur.state = e.state;
      return;
    }
    if (e) this.entries.set(pid, e);
    else this.entries.delete(pid);
    this.dirty = true;
  }

  private release(k: KeptPid): void {
    for (const fd of [k.status, k.statm]) {
      if (fd === null) continue;
      closeSync(fd);
      this.keptFds--;
    }
    k.status = k.statm = null;
  }

  /** An fd kept for `file`; null when over the budget or the file is gone. Throws ReadFailure. */
  private keep(file: string): number | null {
    if (this.keptFds >= MAX_KEPT_FDS) return null;
    const fd = openSmall(file);
    if (fd !== null) this.keptFds++;
    return fd;
  }

  /** A tree pid's file through its kept fd (open+read+close when over the fd budget); null when gone. Throws ReadFailure. */
  private readPidFile<T>(k: KeptPid, which: 'status' | 'statm', file: string, parse: (b: Buffer, n: number) => T): T | null {
    k[which] ??= this.keep(file);
    const fd = k[which];
    return fd === null ? readParse(file, parse) : preadParse(fd, file, parse);
  }

  /** Memory of a tree pid into `memory` (statm, or status on its turn); true when the table changed (pid gone, or new parent/session). */
  private readMemory(pid: number, memory: Map<number, StatusFields>): boolean {
    let k = this.kept.get(pid);
    if (!k) {
      k = { status: null, statm: null, last: null };
      this.kept.set(pid, k);
    }
    if (k.last && (this.tick + pid) % STATUS_EVERY_N !== 0) {
      let pages: [number, number] | null;
      try {
        pages = this.readPidFile(k, 'statm', `${this.procRoot}/${pid}/statm`, parseStatm);
      } catch (e) {
        this.onError?.(e);
        return false;
      }
      if (pages) {
        this.reads.statm++;
        memory.set(pid, fromStatm(k.last, pages));
        return false;
      }
      // Gone, a procfs without statm, or a malformed one: status tells which.
    }
    return this.readStatus(pid, k, memory);
  }

  /** Read status into `memory`; true when the table changed (pid gone, or new parent/session). */
  private readStatus(pid: number, k: KeptPid, memory: Map<number, StatusFields>): boolean {
    let f: StatusFields | null;
    try {
      f = this.readPidFile(k, 'status', `${this.procRoot}/${pid}/status`, parseStatusBytes);
    } catch (e) {
      this.onError?.(e);
      return false;
    }
    if (f === null) {
      this.entries.delete(pid);
      return true;
    }
    this.reads.status++;
    k.last = f;
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

/** This tick's statm figures over the last status: RSS and anon exact, shmem as last seen (capped), file the rest of "shared". */
function fromStatm(last: StatusFields, [resident, shared]: [number, number]): StatusFields {
  const page = pageSize();
  const rss = resident * page;
  const fileShmem = Math.min(shared * page, rss);
  const shmem = Math.min(last.shmem, fileShmem);
  return { ...last, rss, anon: rss - fileShmem, file: fileShmem - shmem, shmem };
}
