// The Watcher: servers Vigil did not start, found by Discovery, watched from
// outside. Their exit arrives through a pidfd (readiness works for any
// process; the status goes to the parent only), so it is seen within
// milliseconds; each tick then reads their /proc/<pid>/stat (state, RSS), so
// a stopped (T) server is unhealthy at once and a zombie is seen for what it
// is: a child its parent has not collected. A zombie still there after the
// grace period is flagged with that parent and for how long; it clears when
// the parent reaps it, or when the parent ends and init does. Health comes
// from each server's own API at a modest pace.
import { readFileSync } from 'node:fs';
import { adoptProcess, watchExit } from '../../../native-bindings/process.js';
import type { OomKill } from '../../common/state.js';
import { isWatchedAlive, type WatchEvent, type WatchEventKind, type WatchExit, type WatchProcessRef, type WatchedServer } from '../../common/watch.js';
import { WatchConfigSchema, type WatchConfig, type WatchConfigInput } from '../../common/watch-schema.js';
import { stderrLogger, type Logger } from '../diagnostics.js';
import { pageSize } from '../procfs/stat.js';
import { sumGpuUse } from '../gpu/sum.js';
import { gpuUseMoved } from '../memory/publish.js';
import { openProcEvents, type ProcEvent, type ProcEvents } from '../../../native-bindings/proc-events.js';
import { attributeWatchedKill, describeVictim, sameComm, type VictimFacts, type WatchAttribution } from './attribute.js';
import { classify } from './catalog.js';
import { Discovery, type Candidate } from './discovery.js';
import { CLOCK_TICKS, ListeningCache, bootTimeMs, processRef, readIdentity, readPorts } from './details.js';
import { readStat, type StatInfo } from '../procfs/stat.js';
import { compileIgnore, matches } from './rules.js';
import { ServerActions, type AdoptionSpec } from './actions.js';
import { enterState, onExit, recheckUnreaped, release, watchParent } from './lifecycle.js';
import { probeDue, recovered, unhealthy } from './probing.js';
import { newTracked, type Tracked, type WatchHost } from './tracked.js';

/** Processes Vigil owns (its backends): never watched. Backends lead their own session, so their pgid/sid covers their trees. */
export interface OwnedProcesses {
  pids?: Iterable<number>;
  pgids?: Iterable<number>;
  /** A process whose children are all owned: Vigil itself, which spawns its backends directly (an exited one is still its child, with no pid in the state). */
  parent?: number;
}

/** Whether a process is Vigil's own (by pid, process group or session, or as Vigil's child). */
function ownedBy(owned: OwnedProcesses): (c: { pid: number; ppid: number; pgrp: number; session: number }) => boolean {
  const pids = new Set(owned.pids ?? []);
  const groups = new Set(owned.pgids ?? []);
  pids.add(process.pid);
  return (c) => pids.has(c.pid) || groups.has(c.pgrp) || groups.has(c.session) || (owned.parent !== undefined && c.ppid === owned.parent);
}

export interface WatcherOptions {
  config?: WatchConfigInput | WatchConfig;
  procRoot?: string;
  onEvent?: (e: WatchEvent) => void;
  logger?: Logger;
  /** Re-read every pid's stat every N ticks, to notice a process that exec'd a server long after it started (default 600). */
  fullEvery?: number;
  /** Keep an exited server listed this long (OOM lines may arrive late; the dashboard shows what happened). */
  goneRetentionMs?: number;
  /** Throw on a status move its table does not list (tests) instead of logging and refusing it. */
  strict?: boolean;
  /**
   * The kernel's process events (fork/exec/exit as they happen, with exit
   * codes and signals): 'auto' (default) where the kernel allows it (root),
   * false to look only at ticks (with quick scans after a watched manager
   * starts something).
   */
  procEvents?: 'auto' | false;
}

/** Parent, children and ports again after this long. */
const DETAILS_MS = 30_000;
const RECENT_KILLS = 64;
/** Processes the kernel's events told of, kept for naming an OOM victim that was never watched. */
const RECENT_PROCS = 8192;
/** After a watched manager started a process (seen without the kernel's events): quick scans, so a server that dies in its load is still seen. */
const BURST_EVERY_MS = 50;
const BURST_SCANS = 40;
/** The kernel's exit event and the pidfd's readiness come together; an exit event this long after is another process's. */
const EXIT_MATCH_MS = 5000;
const RECENT_KILL_MS = 5 * 60_000;
/**
 * A server is often found before it listens (it binds once its model is
 * loaded, or a moment after exec): until it has a port, its sockets are
 * looked up every tick for the first half minute, then every 5 s.
 */
const PORTS_SEARCH_FAST_MS = 30_000;
const portsSearchMs = (t: Tracked, now: number): number => (now - t.foundAt < PORTS_SEARCH_FAST_MS ? 0 : 5000);

export class Watcher {
  readonly config: WatchConfig;
  private readonly procRoot: string;
  private readonly discovery: Discovery;
  /** By id: an exited server stays listed while a new process may already have its pid. */
  private readonly tracked = new Map<string, Tracked>();
  /** Matches that Vigil owns (listed once it no longer does), or that `ignore` covers, by pid. */
  private readonly parked = new Map<number, { cand: Candidate; owned: boolean }>();
  private readonly ignore;
  private readonly logger: Logger;
  private readonly listeners = new Set<(e: WatchEvent) => void>();
  private readonly boot: number | null;
  private readonly actions: ServerActions;
  private stopTimer: (() => void) | null = null;
  private readonly host: WatchHost;
  /** OOM kills of the last minutes, for servers found after their kill's line arrived. */
  private readonly recentKills: { kill: OomKill; at: number }[] = [];
  /** Ids of kills already attributed (a kill has one victim). */
  private readonly attributed = new Set<string>();
  /** Bumped on every change a view shows: hosts republish when it moves. */
  version = 0;
  /** How births are seen: the kernel's events as they happen, or /proc at ticks (with why). */
  readonly births: { source: 'proc-events' | 'ticks'; why: string };
  private readonly procEvents: ProcEvents | null = null;
  /** pid → what the kernel's events told of it (parent, command line at exec, how it ended). */
  private readonly recentProcs = new Map<number, { ppid: number | null; argv: string[] | null; exit: WatchExit | null }>();
  /** Vigil's own processes as the last tick gave them (births between ticks are checked against these). */
  private lastOwned: OwnedProcesses = {};
  private isOwned = ownedBy({});
  private burst: { timer: NodeJS.Timeout; left: number } | null = null;

  constructor(private readonly opts: WatcherOptions = {}) {
    this.config = WatchConfigSchema.parse(opts.config ?? {});
    this.procRoot = opts.procRoot ?? '/proc';
    this.logger = opts.logger ?? stderrLogger;
    this.ignore = this.config.ignore.map(compileIgnore);
    this.discovery = new Discovery({ procRoot: this.procRoot, catalog: this.config.catalog, rules: this.config.rules, fullEvery: opts.fullEvery, onError: (e) => this.logger.warn('watch: reading /proc failed', e) });
    this.boot = bootTimeMs(this.procRoot);
    this.actions = new ServerActions(this.procRoot);
    if (opts.onEvent) this.listeners.add(opts.onEvent);
    let births: Watcher['births'] = { source: 'ticks', why: 'turned off (procEvents: false)' };
    if (opts.procEvents !== false && this.config.enabled) {
      if (this.procRoot !== '/proc') births = { source: 'ticks', why: `another /proc (${this.procRoot})` };
      else
        try {
          // Exec (a birth to look at) and exit (how it ended, and its parent): a fork alone starts no server.
          this.procEvents = openProcEvents((events) => this.onProcEvents(events), { only: ['exec', 'exit'] });
          births = { source: 'proc-events', why: "the kernel's process events connector" };
        } catch (e) {
          births = { source: 'ticks', why: `the kernel's process events connector is not available: ${(e as Error).message}` };
        }
    }
    this.births = births;
    this.host = {
      config: this.config,
      stat: (pid) => this.stat(pid),
      ref: (pid) => this.ref(pid),
      emit: (t, kind, reason) => this.emit(t, kind, reason),
      enter: (t, to) => enterState(this.host, t, to),
      changed: () => void this.version++,
      settle: () => this.procEvents?.drain(),
      goneRetentionMs: opts.goneRetentionMs ?? 600_000,
      forget: (t) => {
        if (this.tracked.get(t.view.id) === t) this.drop(t);
      },
    };
  }

  /** What discovery has read so far (tests and benchmarks). */
  get reads(): Readonly<Discovery['reads']> {
    return this.discovery.reads;
  }

  /** Subscribe to events; returns the unsubscribe function. */
  on(listener: (e: WatchEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every watched server, newest state (copies). */
  list(): WatchedServer[] {
    return [...this.tracked.values()].map((t) => structuredClone(t.view));
  }

  /** The pids whose GPU memory is each live server's: the server and its children. */
  gpuPids(): number[] {
    const out: number[] = [];
    for (const t of this.tracked.values()) {
      if (!t.view.memory) continue;
      out.push(t.view.pid);
      for (const c of t.view.children) out.push(c.pid);
    }
    return out;
  }

  /** GPU memory by process (the sampler's reading of gpuPids()) into each live server's view. */
  applyGpu(processes: readonly { pid: number; device: string; vram: number; gtt: number }[]): void {
    for (const t of this.tracked.values()) {
      const v = t.view;
      if (!v.memory) continue;
      const use = sumGpuUse(processes, [v.pid, ...v.children.map((c) => c.pid)]);
      if (!gpuUseMoved(v.memory.gpu, use)) continue;
      if (use.length) v.memory.gpu = use;
      else delete v.memory.gpu;
      this.version++;
    }
  }

  get(id: string): WatchedServer | null {
    const t = this.byId(id);
    return t ? structuredClone(t.view) : null;
  }

  /** Tick on a timer of its own (hosts with a shared tick call tick() instead). */
  start(intervalMs = 1000, owned: () => OwnedProcesses = () => ({})): void {
    if (this.stopTimer || !this.config.enabled) return;
    const t = setInterval(() => this.tick(owned()), intervalMs);
    t.unref();
    this.stopTimer = () => clearInterval(t);
    this.tick(owned());
  }

  /** One round: find new servers, read each watched one's state, probe the due ones. */
  tick(owned: OwnedProcesses = {}): void {
    if (!this.config.enabled) return;
    this.lastOwned = owned;
    const isOwned = (this.isOwned = ownedBy(owned));
    const now = Date.now();

    // One read of a namespace's TCP tables per tick at most, shared by every server that needs it.
    const cache = new ListeningCache(this.procRoot);
    for (const c of this.discovery.scan()) {
      if (this.tracked.has(`w-${c.pid}-${c.startTime}`)) continue;
      if (isOwned(c)) this.parked.set(c.pid, { cand: c, owned: true });
      else this.admit(c, now, cache);
    }
    for (const [pid, p] of this.parked) {
      // Discovery forgets ended processes at its listings: no read per parked pid per tick.
      if (this.discovery.process(pid)?.startTime !== p.cand.startTime) this.parked.delete(pid);
      else if (p.owned && !isOwned(p.cand)) {
        this.parked.delete(pid);
        if (this.stat(pid)?.startTime === p.cand.startTime) this.admit(p.cand, now, cache);
      }
    }
    // A watched manager started something: look again soon and often, so a server that dies in its load is still seen.
    if (!this.procEvents && this.discovery.newParents.size && [...this.tracked.values()].some((t) => isWatchedAlive(t.view) && this.discovery.newParents.has(t.view.pid))) this.startBurst();
    for (const t of [...this.tracked.values()]) {
      if (t.life.status !== 'gone' && isOwned(t.cand)) {
        // Vigil took it over (adopt): it is a backend now, not a watched server.
        this.drop(t);
        this.parked.set(t.view.pid, { cand: t.cand, owned: true });
        continue;
      }
      this.refresh(t, now, cache);
    }
  }

  /**
   * Feed an OOM kill (from the kernel-log watcher); returns the server it was
   * attributed to. The kill is also kept a while: its line often arrives
   * before the tick that finds its victim (a server killed within a second
   * of starting, found as a zombie), which then takes it.
   */
  attributeKill(kill: OomKill): (WatchAttribution & { server: WatchedServer; kill: OomKill }) | null {
    const now = Date.now();
    while (this.recentKills.length && (this.recentKills.length >= RECENT_KILLS || now - this.recentKills[0]!.at > RECENT_KILL_MS)) this.recentKills.shift();
    // The kernel's events queued so far first: the victim's exec or exit (with its parent) may be among them.
    this.procEvents?.drain();
    // A victim still in /proc (unreaped) that no tick has found yet: look at it now, so the kill is its own.
    if (kill.pid > 0 && this.config.enabled && ![...this.tracked.values()].some((t) => t.view.pid === kill.pid)) {
      const c = this.discovery.look(kill.pid, { dying: true });
      if (c && sameComm(c.comm, kill.comm) && !this.isOwned(c)) this.admit(c, now, new ListeningCache(this.procRoot));
    }
    const a = this.attribute(kill, null);
    this.recentKills.push({ kill, at: now });
    return a;
  }

  /** Stop a watched server with a signal through its pidfd (SIGTERM, then SIGKILL after graceMs). */
  stop(id: string, opts: { signal?: NodeJS.Signals; graceMs?: number } = {}): Promise<{ ok: boolean; detail: string }> {
    return this.actions.stop(this.byId(id), opts);
  }

  /** Restart a watched server's systemd unit (`systemctl [--user] restart UNIT`). */
  restartUnit(id: string): Promise<{ ok: boolean; detail: string }> {
    return this.actions.restartUnit(this.byId(id));
  }

  /** What adopting needs: the same argv, working directory and (when readable) environment. */
  adoptionSpec(id: string): AdoptionSpec | null {
    return this.actions.adoptionSpec(this.byId(id));
  }

  close(): void {
    this.stopTimer?.();
    this.stopTimer = null;
    this.procEvents?.close();
    if (this.burst) clearInterval(this.burst.timer);
    this.burst = null;
    for (const t of [...this.tracked.values()]) this.drop(t);
    this.discovery.close();
  }

  // ---- internals --------------------------------------------------------------

  private byId(id: string): Tracked | undefined {
    return this.tracked.get(id);
  }

  private watchedId = (pid: number): string | null => {
    for (const t of this.tracked.values()) if (t.view.pid === pid && t.view.status !== 'gone') return t.view.id;
    return null;
  };

  private stat(pid: number): StatInfo | null {
    try {
      return readStat(this.procRoot, pid);
    } catch (e) {
      this.logger.warn(`watch: reading /proc/${pid}/stat failed`, e);
      return null;
    }
  }

  private admit(c: Candidate, now: number, cache: ListeningCache): void {
    const ident = readIdentity(this.procRoot, c.pid);
    const ports = readPorts(this.procRoot, c.pid, ident.uid, cache);
    if (this.ignore.length) {
      const facts = { argv: c.argv, comm: c.comm, exe: () => ident.exe, unit: () => ident.cgroup?.unit?.name ?? null, ports: ports?.listen.map((l) => l.port) ?? [] };
      if (this.ignore.some((m) => matches(m, facts))) {
        this.parked.set(c.pid, { cand: c, owned: false });
        return;
      }
    }
    // pidfd first, then the start time: the pidfd can then never name a recycled pid.
    const handle = adoptProcess(c.pid, c.startTime);
    if (!handle) return; // gone before it could be watched
    const st = this.stat(c.pid);
    const view: WatchedServer = {
      id: `w-${c.pid}-${c.startTime}`,
      kind: c.kind,
      label: c.label,
      rule: c.rule,
      pid: c.pid,
      startTime: c.startTime,
      startedAt: this.boot === null ? null : this.boot + Math.round((c.startTime * 1000) / CLOCK_TICKS),
      comm: c.comm,
      exe: ident.exe,
      cmdline: c.argv,
      uid: ident.uid,
      listen: ports?.listen ?? [],
      listenInferred: ports?.inferred ?? false,
      unit: ident.cgroup?.unit ? { ...ident.cgroup.unit, sole: true } : null,
      cgroup: ident.cgroup?.memcg ?? null,
      manager: this.ref(c.ppid),
      children: [],
      model: c.model,
      apiModels: [],
      status: 'running',
      since: now,
      exitedAt: null,
      exitSeenLive: false,
      zombieSince: null,
      zombieParent: null,
      reapedBy: null,
      healthDetail: c.health.path === null ? 'no health probe (alive is enough)' : 'not probed yet',
      healthAt: null,
      lastOom: null,
      memory: null,
      orphanedFrom: null,
      exit: null,
      oomScoreAdj: readScoreAdj(this.procRoot, c.pid),
    };
    const t = newTracked(this.host, { procRoot: this.procRoot, view, cand: c, handle, now, detailsInMs: DETAILS_MS, log: this.logger, strict: this.opts.strict ?? false });
    this.tracked.set(view.id, t);
    this.refreshFamily(t);
    watchParent(this.host, t, c.ppid);
    this.emit(t, 'discovered', `watching ${view.comm} ${view.pid}${view.label !== view.comm ? ` (${view.label})` : ''}${view.listen.length ? ` on port ${view.listen.map((l) => l.port).join(', ')}` : ''}${view.unit ? ` (${view.unit.name})` : ''}`);
    t.unwatch = watchExit(handle, () => onExit(this.host, t, true));
    if (st && (st.state === 'Z' || st.state === 'X')) onExit(this.host, t, false);
    for (const { kill } of this.recentKills) this.attribute(kill, view.id);
  }

  /** Attribute one kill (to `only`, when given), once; the attribution goes with the kill and is never rewritten. */
  private attribute(kill: OomKill, only: string | null): (WatchAttribution & { server: WatchedServer; kill: OomKill }) | null {
    if (this.attributed.has(kill.id)) return null;
    const views = [...this.tracked.values()].map((t) => t.view);
    const a = attributeWatchedKill(kill, views, (pid) => this.victimFacts(pid), (argv) => classify({ argv, exe: null })?.model ?? null);
    if (!a || (only !== null && a.id !== only)) return null;
    this.attributed.add(kill.id);
    if (this.attributed.size > RECENT_KILLS * 4) this.attributed.delete(this.attributed.values().next().value!);
    const t = this.byId(a.id)!;
    const v = t.view;
    const text = a.victim ? describeVictim(v, a.victim) : `${v.comm} ${v.pid}`;
    const k: OomKill = { ...kill, watched: { id: v.id, pid: v.pid, label: v.label, by: a.by, text } };
    if (a.victim) {
      v.serverOoms = [...(v.serverOoms ?? []), k].slice(-16);
      this.emit(t, 'oom', `OOM killer took ${text} (${kill.killer}, matched by ${a.by})`, k);
    } else {
      v.lastOom = k;
      this.emit(t, 'oom', `${v.comm} ${v.pid} was OOM-killed (${kill.killer}, matched by ${a.by})`, k);
    }
    return { ...a, server: structuredClone(v), kill: k };
  }

  /** What Vigil knew of a process that may be gone: the kernel's events first, then discovery's last look. */
  private victimFacts(pid: number): VictimFacts | null {
    const r = this.recentProcs.get(pid);
    const d = this.discovery.process(pid);
    if (!r && !d) return null;
    return { ppid: r?.ppid ?? d?.ppid ?? null, pgrp: d?.pgrp ?? null, startTime: d?.startTime ?? null, argv: r?.argv ?? d?.argv ?? null };
  }

  /** The kernel's process events: a server is admitted at its exec; forks and exits are kept for naming OOM victims. */
  private onProcEvents(events: readonly ProcEvent[]): void {
    if (!this.config.enabled) return;
    const now = Date.now();
    let cache: ListeningCache | null = null;
    for (const e of events) {
      if (e.type === 'fork') this.remember(e.pid, { ppid: e.ppid, argv: null, exit: null });
      else if (e.type === 'exec') {
        const c = this.discovery.lookExec(e.pid);
        const r = this.recentProcs.get(e.pid);
        const argv = this.discovery.process(e.pid)?.argv ?? null;
        this.remember(e.pid, { ppid: r?.ppid ?? c?.ppid ?? null, argv, exit: null });
        if (!c || this.tracked.has(`w-${c.pid}-${c.startTime}`)) continue;
        if (this.isOwned(c)) this.parked.set(c.pid, { cand: c, owned: true });
        else this.admit(c, now, (cache ??= new ListeningCache(this.procRoot)));
      } else {
        const r = this.recentProcs.get(e.pid);
        const exit = { code: e.code, signal: e.signal };
        this.remember(e.pid, { ppid: r?.ppid ?? e.ppid, argv: r?.argv ?? null, exit });
        for (const t of this.tracked.values())
          if (t.view.pid === e.pid && !t.view.exit && (t.view.exitedAt === null || now - t.view.exitedAt < EXIT_MATCH_MS)) {
            t.view.exit = exit;
            this.version++;
          }
      }
    }
  }

  private remember(pid: number, facts: { ppid: number | null; argv: string[] | null; exit: WatchExit | null }): void {
    this.recentProcs.delete(pid);
    this.recentProcs.set(pid, facts);
    if (this.recentProcs.size > RECENT_PROCS) this.recentProcs.delete(this.recentProcs.keys().next().value!);
  }

  private startBurst(): void {
    if (this.burst) {
      this.burst.left = BURST_SCANS;
      return;
    }
    const timer = setInterval(() => {
      if (!this.burst || --this.burst.left <= 0) {
        clearInterval(timer);
        this.burst = null;
      }
      this.tick(this.lastOwned);
    }, BURST_EVERY_MS);
    timer.unref();
    this.burst = { timer, left: BURST_SCANS };
  }

  private ref(pid: number): WatchProcessRef | null {
    return processRef(this.procRoot, pid, this.watchedId);
  }

  /** Per tick: state from stat (T, Z, gone), RSS, and the due probes and detail reads. */
  private refresh(t: Tracked, now: number, cache: ListeningCache): void {
    const v = t.view;
    if (t.life.status === 'gone') return;
    let st: StatInfo | null;
    try {
      st = t.stat.read();
    } catch (e) {
      this.logger.warn(`watch: reading /proc/${v.pid}/stat failed`, e);
      return;
    }
    if (t.life.status === 'exited' || t.life.status === 'zombie') return recheckUnreaped(this.host, t);
    // Ended since the last look, which saw it alive (its pidfd has not fired yet: a leader is Z while its threads still exit): its exit time is known within a tick.
    if (st === null || st.startTime !== v.startTime || st.state === 'Z' || st.state === 'X') return onExit(this.host, t, true);
    const stopped = st.state === 'T' || st.state === 't';
    if (stopped !== t.stopped) {
      t.stopped = stopped;
      if (stopped) unhealthy(this.host, t, now, `stopped (state ${st.state}): it runs again only after SIGCONT`);
      else if (t.health.failures < this.config.health.unhealthyAfter) recovered(this.host, t, now, 'continued (no longer stopped)');
    }
    const details = now >= t.nextDetailsAt;
    if (details || (v.listen.length === 0 && now >= t.nextPortsAt)) {
      const ports = readPorts(this.procRoot, v.pid, v.uid, cache);
      if (ports && JSON.stringify(ports.listen) !== JSON.stringify(v.listen)) {
        v.listen = ports.listen;
        v.listenInferred = ports.inferred;
        this.version++;
      }
      t.nextPortsAt = now + portsSearchMs(t, now);
    }
    if (details) {
      this.refreshFamily(t);
      t.nextDetailsAt = now + DETAILS_MS;
      const adj = readScoreAdj(this.procRoot, v.pid);
      if (adj !== v.oomScoreAdj) {
        v.oomScoreAdj = adj;
        this.version++;
      }
    }
    let rss = st.rssPages * pageSize();
    let processes = 1;
    for (const c of v.children) {
      const cs = this.stat(c.pid);
      if (cs && cs.ppid === v.pid) {
        rss += cs.rssPages * pageSize();
        processes++;
      }
    }
    if (!v.memory || v.memory.rss !== rss || v.memory.processes !== processes) {
      v.memory = { rss, processes, ...(v.memory?.gpu ? { gpu: v.memory.gpu } : {}) };
      this.version++;
    }
    if (!t.stopped && !t.health.probing && now >= t.health.nextProbeAt) probeDue(this.host, t, now);
  }

  /** Parent and children (and whether it is its unit's only process). */
  private refreshFamily(t: Tracked): void {
    const v = t.view;
    const st = this.stat(v.pid);
    const manager = st ? this.ref(st.ppid) : v.manager;
    // A server whose first parent (a shell) ended is watched through its new one, which may be a manager.
    if (st && isWatchedAlive(v) && !t.parentWatch) watchParent(this.host, t, st.ppid);
    // Discovery forgets ended processes only at its next listing: check each child is still one.
    const children = this.discovery
      .childrenOf(v.pid)
      .filter((c) => this.stat(c.pid)?.ppid === v.pid)
      .map((c) => ({ ...c, watchedId: this.watchedId(c.pid) }));
    if (v.unit) {
      const parentUnit = manager && manager.pid > 1 ? readIdentity(this.procRoot, manager.pid).cgroup?.unit?.name : null;
      v.unit.sole = children.length === 0 && parentUnit !== v.unit.name;
    }
    if (JSON.stringify([manager, children]) !== JSON.stringify([v.manager, v.children])) {
      v.manager = manager;
      v.children = children;
      this.version++;
    }
  }

  private emit(t: Tracked, kind: WatchEventKind, reason: string, oom?: OomKill): void {
    this.version++;
    const e: WatchEvent = { kind, time: Date.now(), id: t.view.id, pid: t.view.pid, reason, server: structuredClone(t.view), ...(oom ? { oom } : {}) };
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        this.logger.warn(`watch: an event listener threw on ${kind}`, err);
      }
    }
  }

  private drop(t: Tracked): void {
    release(t);
    this.tracked.delete(t.view.id);
    this.version++;
  }
}

/** /proc/<pid>/oom_score_adj; null when unreadable or gone. */
function readScoreAdj(procRoot: string, pid: number): number | null {
  try {
    const v = Number(readFileSync(`${procRoot}/${pid}/oom_score_adj`, 'latin1').trim());
    return Number.isInteger(v) ? v : null;
  } catch {
    return null;
  }
}
