// Finding LLM servers among the machine's processes without rescanning the
// world each tick. The kernel hands out pids in order, and /proc/loadavg's
// 5th field is the last one handed out, so the pids created since the last
// tick are exactly the numbers between the two readings: pidfd_open passes
// over the threads and the already gone among them, a stat read over any
// other thread (exit_signal -1), and only new processes have their command
// line read. /proc
// is listed only every `listEvery` ticks (to forget processes that ended),
// when the range is too wide to probe, or when loadavg cannot be read.
// Two gaps are closed on top: a new pid may still be its parent's fork when
// first read (command line equal to its parent's, or empty in a vfork
// before exec), so it is read again for a few ticks; and a process may exec
// another program later, which a full re-read of every pid's stat every
// `fullEvery` ticks notices by its changed comm.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { WatchKind } from '../../common/watch.js';
import type { WatchRule } from '../../common/watch-schema.js';
import { pidKind, type PidKind } from '../../../native-bindings/pid-kind.js';
import { readSmall } from '../procfs/read.js';
import { classify, type HealthPlan } from './catalog.js';
import { readCgroup, readCmdline, readLink, readListening, socketInodes } from '../procfs/proc-info.js';
import { readStat, type StatInfo } from '../procfs/stat.js';
import { compileRule, matches, type CompiledRule, type ProcessFacts } from './rules.js';
import { LastPidReader } from '../procfs/last-pid.js';

/** A process that the catalog or a rule recognised. */
export interface Candidate {
  pid: number;
  startTime: number;
  ppid: number;
  pgrp: number;
  session: number;
  comm: string;
  argv: string[];
  kind: WatchKind;
  label: string;
  rule: string | null;
  model: string | null;
  /** Port its command line names, or the rule's port. */
  port: number | null;
  defaultPort: number | null;
  health: HealthPlan;
}

export interface DiscoveryOptions {
  procRoot?: string;
  /** Whether a pid is a process (default: pidfd_open on the real /proc, none on another root). */
  pidKind?: (pid: number) => PidKind;
  /** Use the built-in catalog (default true). */
  catalog?: boolean;
  rules?: readonly WatchRule[];
  /** List /proc (forgetting ended processes) every N scans (default 60). */
  listEvery?: number;
  /** Re-read every pid's stat every N scans (default 600). */
  fullEvery?: number;
  onError?: (e: unknown) => void;
}

interface Entry {
  ppid: number;
  pgrp: number;
  session: number;
  startTime: number;
  comm: string;
  /** argv joined by NULs once read; null before. */
  cmd: string | null;
}

export const LIST_EVERY_N = 60;
export const FULL_SCAN_EVERY_N = 600;
/** Ticks a pid that is still its parent's unexec'd fork is read again. */
const FORK_RECHECK_TICKS = 5;
/**
 * Beyond this many new pids one listing of /proc is cheaper than probing
 * each. Measured here: listing costs ~3 µs per process; a probe ~1 µs with
 * pidfd_open (a thread stops there), ~25 µs when it must read stat.
 */
const maxProbes = (known: number, pidfd: boolean): number => Math.min(4096, Math.max(16, Math.floor(pidfd ? known * 3 : known / 8)));

export class Discovery {
  private readonly procRoot: string;
  private readonly entries = new Map<number, Entry>();
  /** pid → ticks left to re-read a pid that was still its parent's fork. */
  private readonly forks = new Map<number, number>();
  private readonly rules: CompiledRule[];
  private readonly portRules: CompiledRule[];
  /** Listening socket inode → owner pid (null: searched, not found or not readable). */
  private readonly portOwners = new Map<number, number | null>();
  private readonly lastPidReader: LastPidReader;
  private lastPid = -1;
  private pidMax = 0;
  private readonly kind: (pid: number) => PidKind;
  private tick = 0;
  private parentsOfNew = new Set<number>();
  /** Reads so far, by kind (tests and benchmarks). */
  readonly reads = { listings: 0, probes: 0, stat: 0, cmdline: 0, exe: 0, fdScans: 0 };

  constructor(private readonly opts: DiscoveryOptions = {}) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.lastPidReader = new LastPidReader(this.procRoot, (e) => this.opts.onError?.(e));
    this.kind = opts.pidKind ?? (this.procRoot === '/proc' ? pidKind : () => 'unknown');
    const compiled = (opts.rules ?? []).map(compileRule);
    this.rules = compiled.filter((r) => r.port === null);
    this.portRules = compiled.filter((r) => r.port !== null);
  }

  /** Processes recognised since the last scan. */
  scan(): Candidate[] {
    const out: Candidate[] = [];
    this.parentsOfNew = new Set();
    const tick = this.tick++;
    const full = tick % (this.opts.fullEvery ?? FULL_SCAN_EVERY_N) === 0;
    const prev = this.lastPid;
    const last = this.readLastPid();
    if (full || tick % (this.opts.listEvery ?? LIST_EVERY_N) === 0 || prev < 0 || last < 0) this.list(full, out);
    else if (last !== prev && !this.probeRange(prev, last, out)) this.list(false, out);
    for (const [pid, left] of this.forks) {
      if (left <= 0) this.forks.delete(pid);
      else {
        this.forks.set(pid, left - 1);
        this.examine(pid, out);
      }
    }
    if (this.portRules.length) this.scanPorts(out);
    return out;
  }

  /** Parent pid, group, comm and command line as last read; null when unknown. */
  process(pid: number): { pid: number; ppid: number; pgrp: number; comm: string; startTime: number; argv: string[] | null } | null {
    const e = this.entries.get(pid);
    return e ? { pid, ppid: e.ppid, pgrp: e.pgrp, comm: e.comm, startTime: e.startTime, argv: e.cmd === null ? null : e.cmd === '' ? [] : e.cmd.split('\0') } : null;
  }

  /**
   * Look at one pid now (the kernel said it exec'd, or an OOM kill names it):
   * its stat and command line, recognised like a scan's. The candidate, or
   * null when it is gone, a thread, or no server.
   */
  look(pid: number, opts: { dying?: boolean } = {}): Candidate | null {
    const st = this.stat(pid);
    if (!st || st.exitSignal === -1) return null;
    const cur = this.entries.get(pid);
    if (cur && cur.startTime === st.startTime) {
      cur.ppid = st.ppid;
      cur.pgrp = st.pgrp;
      cur.session = st.session;
      cur.comm = st.comm;
    } else this.entries.set(pid, { ppid: st.ppid, pgrp: st.pgrp, session: st.session, startTime: st.startTime, comm: st.comm, cmd: null });
    this.forks.delete(pid);
    const out: Candidate[] = [];
    this.examine(pid, out, opts.dying ?? false);
    return out[0] ?? null;
  }

  /**
   * A pid that has just exec'd (the kernel's process events): its command
   * line alone first, and only a likely server is looked at further. What
   * the catalog does not know by its command line is left to the tick,
   * which reads it whole (its executable too) if it lives that long.
   */
  lookExec(pid: number): Candidate | null {
    if (this.rules.length === 0 && this.portRules.length === 0) {
      let argv: string[] | null;
      this.reads.cmdline++;
      try {
        argv = readCmdline(this.procRoot, pid);
      } catch {
        return null;
      }
      if (!argv?.length || this.opts.catalog === false || !classify({ argv, exe: null })) return null;
    }
    return this.look(pid);
  }

  /** Parents of the processes that the last scan found new (a watched manager among them starts a burst of quick scans). */
  get newParents(): ReadonlySet<number> {
    return this.parentsOfNew;
  }

  /** Known children of pid (as of the last listing). */
  childrenOf(pid: number): { pid: number; comm: string }[] {
    const out: { pid: number; comm: string }[] = [];
    for (const [p, e] of this.entries) if (e.ppid === pid) out.push({ pid: p, comm: e.comm });
    return out;
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.lastPidReader.close();
  }

  /** The last pid handed out (-1 when unknown), remembered for the next tick. */
  private readLastPid(): number {
    const last = this.lastPidReader.read();
    this.lastPid = last ?? -1;
    return this.lastPid;
  }

  /** Probe the pids handed out after `prev` up to `last` (wrapping at pid_max); false when too many to probe. */
  private probeRange(prev: number, last: number, out: Candidate[]): boolean {
    if (!this.pidMax) {
      const text = readSmall(`${this.procRoot}/sys/kernel/pid_max`);
      this.pidMax = Number(text?.trim()) || 4_194_304;
    }
    // Pids run 1 … pid_max-1, then wrap (the kernel restarts above its reserved low pids).
    const top = this.pidMax - 1;
    const count = last > prev ? last - prev : top - prev + last;
    if (count > maxProbes(this.entries.size, this.opts.pidKind !== undefined || this.procRoot === '/proc')) return false;
    for (let i = 1; i <= count; i++) {
      let pid = prev + i;
      if (pid > top) pid -= top;
      this.reads.probes++;
      // Most new pids are threads: pidfd_open tells them apart without reading /proc.
      if (this.kind(pid) === 'other') continue;
      const st = this.stat(pid);
      if (!st || st.exitSignal === -1) continue; // gone already, or a thread
      const cur = this.entries.get(pid);
      if (cur && cur.startTime === st.startTime) continue;
      this.entries.set(pid, { ppid: st.ppid, pgrp: st.pgrp, session: st.session, startTime: st.startTime, comm: st.comm, cmd: null });
      this.parentsOfNew.add(st.ppid);
      this.examine(pid, out);
    }
    return true;
  }

  private list(full: boolean, out: Candidate[]): void {
    this.reads.listings++;
    const seen = new Set<number>();
    let names: string[];
    try {
      names = readdirSync(this.procRoot);
    } catch (e) {
      this.opts.onError?.(e);
      return;
    }
    for (const name of names) {
      const c = name.charCodeAt(0);
      if (c < 48 || c > 57) continue;
      const pid = Number(name);
      seen.add(pid);
      const cur = this.entries.get(pid);
      if (cur && !full) continue;
      const st = this.stat(pid);
      if (!st) {
        this.entries.delete(pid);
        continue;
      }
      if (cur && cur.startTime === st.startTime) {
        cur.ppid = st.ppid;
        cur.pgrp = st.pgrp;
        cur.session = st.session;
        if (cur.comm === st.comm) continue;
        cur.comm = st.comm; // it exec'd another program since: look again
      } else {
        this.entries.set(pid, { ppid: st.ppid, pgrp: st.pgrp, session: st.session, startTime: st.startTime, comm: st.comm, cmd: null });
      }
      this.examine(pid, out);
    }
    for (const pid of this.entries.keys()) {
      if (!seen.has(pid)) {
        this.entries.delete(pid);
        this.forks.delete(pid);
      }
    }
  }

  private stat(pid: number): StatInfo | null {
    this.reads.stat++;
    try {
      return readStat(this.procRoot, pid);
    } catch (e) {
      this.opts.onError?.(e);
      return null;
    }
  }

  /** Read the command line of a known pid and recognise it. */
  private examine(pid: number, out: Candidate[], dying = false): void {
    const e = this.entries.get(pid);
    if (!e) return;
    let argv: string[] | null;
    this.reads.cmdline++;
    try {
      argv = readCmdline(this.procRoot, pid);
    } catch (err) {
      this.opts.onError?.(err);
      return;
    }
    if (argv === null) {
      this.entries.delete(pid);
      this.forks.delete(pid);
      return;
    }
    const cmd = argv.join('\0');
    if (e.cmd === cmd && this.forks.has(pid)) return; // still the fork it was
    e.cmd = cmd;
    // Kernel threads have no command line; nor has a vfork child before its exec.
    if (argv.length === 0 && (e.ppid === 2 || pid === 2 || e.ppid === 0)) return;
    // Nor has a zombie: one that exited before it was first seen (an OOM kill
    // right after start, or before Vigil ran) is recognised by its name alone;
    // nor a process the kernel has just killed (`dying`), whose memory is gone.
    if (argv.length === 0 && (dying || this.stat(pid)?.state === 'Z')) {
      this.forks.delete(pid);
      const c = this.recognise(pid, e, [e.comm], null);
      if (c) out.push({ ...c, argv: [] });
      return;
    }
    // Still its parent's fork (no exec yet)? Look again on the next ticks. A
    // fork that never execs is its parent's worker, never a server of its own.
    const parent = this.entries.get(e.ppid);
    if (argv.length === 0 || (parent && parent.cmd === cmd)) {
      if (!this.forks.has(pid)) this.forks.set(pid, FORK_RECHECK_TICKS);
      return;
    }
    this.forks.delete(pid);
    const c = this.recognise(pid, e, argv, null);
    if (c) out.push(c);
  }

  private facts(pid: number, e: Entry, argv: string[], ports: number[] | null): ProcessFacts {
    let exe: string | null | undefined;
    let unit: string | null | undefined;
    return {
      argv,
      comm: e.comm,
      ports,
      exe: () => {
        if (exe === undefined) {
          this.reads.exe++;
          exe = readLink(this.procRoot, pid, 'exe');
        }
        return exe;
      },
      unit: () => {
        if (unit === undefined) {
          try {
            unit = readCgroup(this.procRoot, pid)?.unit?.name ?? null;
          } catch {
            unit = null;
          }
        }
        return unit;
      },
    };
  }

  private recognise(pid: number, e: Entry, argv: string[], ports: number[] | null): Candidate | null {
    const facts = this.facts(pid, e, argv, ports);
    const base = { pid, startTime: e.startTime, ppid: e.ppid, pgrp: e.pgrp, session: e.session, comm: e.comm, argv };
    for (const r of ports === null ? this.rules : this.portRules) {
      if (!matches(r, facts)) continue;
      return { ...base, kind: 'rule', label: r.name, rule: r.name, model: null, port: r.port, defaultPort: null, health: { path: r.health, modelsPath: null } };
    }
    if (this.opts.catalog === false || ports !== null) return null;
    // comm is the executable's name: when it differs from argv[0]'s, argv was rewritten and the exe decides.
    const exeNeeded = path.posix.basename(argv[0] ?? '').slice(0, 15) !== e.comm;
    const m = classify({ argv, exe: exeNeeded ? facts.exe() : null });
    if (!m || m.transient) return null;
    return { ...base, kind: m.kind, label: m.label, rule: null, model: m.model, port: m.port, defaultPort: m.defaultPort, health: m.health };
  }

  /** Owners of listening sockets on the ports that rules name, found once per socket. */
  private scanPorts(out: Candidate[]): void {
    const wanted = new Set(this.portRules.map((r) => r.port!));
    let sockets;
    try {
      sockets = readListening(this.procRoot, 'self').filter((s) => wanted.has(s.port));
    } catch (e) {
      this.opts.onError?.(e);
      return;
    }
    const live = new Set(sockets.map((s) => s.inode));
    for (const inode of this.portOwners.keys()) if (!live.has(inode)) this.portOwners.delete(inode);
    for (const s of sockets) {
      if (this.portOwners.has(s.inode)) continue;
      const owner = this.ownerOf(s.inode);
      this.portOwners.set(s.inode, owner);
      if (owner === null) continue;
      const e = this.entries.get(owner);
      if (!e) continue;
      const argv = readCmdline(this.procRoot, owner);
      if (!argv) continue;
      const c = this.recognise(owner, e, argv, [s.port]);
      if (c) out.push(c);
    }
  }

  /** The process holding a socket inode: newest processes first (a new server is the likely owner). */
  private ownerOf(inode: number): number | null {
    const pids = [...this.entries].filter(([, e]) => e.cmd !== '').sort((a, b) => b[1].startTime - a[1].startTime);
    for (const [pid] of pids) {
      this.reads.fdScans++;
      const inodes = socketInodes(this.procRoot, pid);
      if (inodes !== null && inodes !== 'denied' && inodes.has(inode)) return pid;
    }
    return null;
  }
}
