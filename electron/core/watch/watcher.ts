// The Watcher: servers Vigil did not start, found by Discovery, watched from
// outside. Their exit arrives through a pidfd (readiness works for any
// process; the status goes to the parent only), so it is seen within
// milliseconds; each tick then reads their /proc/<pid>/stat (state, RSS), so
// a stopped (T) server is unhealthy at once and a zombie is seen for what it
// is: a child its parent has not collected. A zombie still there after the
// grace period is flagged with that parent and for how long; it clears when
// the parent reaps it, or when the parent ends and init does. Health comes
// from each server's own API at a modest pace.
import { adoptProcess, watchExit } from '../../../native-bindings/process.js';
import type { OomKill } from '../../common/state.js';
import type { WatchEvent, WatchEventKind, WatchProcessRef, WatchStatus, WatchedServer } from '../../common/watch.js';
import { WatchConfigSchema, type WatchConfig, type WatchConfigInput } from '../../common/watch-schema.js';
import { stderrLogger, type Logger } from '../diagnostics.js';
import { pageSize } from '../memory/scanner.js';
import { attributeWatchedKill, type WatchAttribution } from './attribute.js';
import { Discovery, type Candidate } from './discovery.js';
import { CLOCK_TICKS, ListeningCache, bootTimeMs, processRef, readIdentity, readPorts } from './details.js';
import { readStat, type StatInfo } from './proc-info.js';
import { compileIgnore, matches } from './rules.js';
import { ServerActions, type AdoptionSpec } from './actions.js';
import { onExit, recheckZombie, release } from './lifecycle.js';
import { probeDue, recovered, unhealthy } from './probing.js';
import { newTracked, type Tracked, type WatchHost } from './tracked.js';

/** Processes Vigil owns (its backends): never watched. Backends lead their own session, so their pgid/sid covers their trees. */
export interface OwnedProcesses {
  pids?: Iterable<number>;
  pgids?: Iterable<number>;
  /** A process whose children are all owned: Vigil itself, which spawns its backends directly (an exited one is still its child, with no pid in the state). */
  parent?: number;
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
}

/** Parent, children and ports again after this long. */
const DETAILS_MS = 30_000;
const RECENT_KILLS = 64;
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

  constructor(private readonly opts: WatcherOptions = {}) {
    this.config = WatchConfigSchema.parse(opts.config ?? {});
    this.procRoot = opts.procRoot ?? '/proc';
    this.logger = opts.logger ?? stderrLogger;
    this.ignore = this.config.ignore.map(compileIgnore);
    this.discovery = new Discovery({ procRoot: this.procRoot, catalog: this.config.catalog, rules: this.config.rules, fullEvery: opts.fullEvery, onError: (e) => this.logger.warn('watch: reading /proc failed', e) });
    this.boot = bootTimeMs(this.procRoot);
    this.actions = new ServerActions(this.procRoot);
    if (opts.onEvent) this.listeners.add(opts.onEvent);
    this.host = {
      config: this.config,
      stat: (pid) => this.stat(pid),
      ref: (pid) => this.ref(pid),
      emit: (t, kind, reason) => this.emit(t, kind, reason),
      setStatus: (t, status, now) => this.setStatus(t, status, now),
      changed: () => void this.version++,
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
    const now = Date.now();
    const ownedPids = new Set(owned.pids ?? []);
    const ownedGroups = new Set(owned.pgids ?? []);
    ownedPids.add(process.pid);
    const isOwned = (c: { pid: number; ppid: number; pgrp: number; session: number }): boolean =>
      ownedPids.has(c.pid) || ownedGroups.has(c.pgrp) || ownedGroups.has(c.session) || (owned.parent !== undefined && c.ppid === owned.parent);

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
    for (const t of [...this.tracked.values()]) {
      if (t.view.status !== 'gone' && isOwned(t.cand)) {
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
  attributeKill(kill: OomKill): (WatchAttribution & { server: WatchedServer }) | null {
    const now = Date.now();
    while (this.recentKills.length && (this.recentKills.length >= RECENT_KILLS || now - this.recentKills[0]!.at > RECENT_KILL_MS)) this.recentKills.shift();
    this.recentKills.push({ kill, at: now });
    return this.attribute(kill, null);
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
    };
    const t = newTracked(this.procRoot, view, c, handle, now, DETAILS_MS);
    this.tracked.set(view.id, t);
    this.refreshFamily(t);
    this.emit(t, 'discovered', `watching ${view.comm} ${view.pid}${view.label !== view.comm ? ` (${view.label})` : ''}${view.listen.length ? ` on port ${view.listen.map((l) => l.port).join(', ')}` : ''}${view.unit ? ` (${view.unit.name})` : ''}`);
    t.unwatch = watchExit(handle, () => onExit(this.host, t, true));
    if (st && (st.state === 'Z' || st.state === 'X')) onExit(this.host, t, false);
    for (const { kill } of this.recentKills) this.attribute(kill, view.id);
  }

  /** Attribute one kill (to `only`, when given), once. */
  private attribute(kill: OomKill, only: string | null): (WatchAttribution & { server: WatchedServer }) | null {
    if (this.attributed.has(kill.id)) return null;
    const views = [...this.tracked.values()].map((t) => t.view);
    const a = attributeWatchedKill(kill, views, (pid) => this.discovery.process(pid) !== null && !views.some((v) => v.pid === pid));
    if (!a || (only !== null && a.id !== only)) return null;
    this.attributed.add(kill.id);
    if (this.attributed.size > RECENT_KILLS * 4) this.attributed.delete(this.attributed.values().next().value!);
    const t = this.byId(a.id)!;
    t.view.lastOom = kill;
    this.emit(t, 'oom', `${t.view.comm} ${t.view.pid} was OOM-killed (${kill.killer}, matched by ${a.by})`);
    return { ...a, server: structuredClone(t.view) };
  }

  private ref(pid: number): WatchProcessRef | null {
    return processRef(this.procRoot, pid, this.watchedId);
  }

  private setStatus(t: Tracked, status: WatchStatus, now: number): void {
    if (t.view.status === status) return;
    t.view.status = status;
    t.view.since = now;
    this.version++;
  }

  /** Per tick: state from stat (T, Z, gone), RSS, and the due probes and detail reads. */
  private refresh(t: Tracked, now: number, cache: ListeningCache): void {
    const v = t.view;
    if (v.status === 'gone') {
      if (t.goneAt !== null && now - t.goneAt > (this.opts.goneRetentionMs ?? 600_000)) this.drop(t);
      return;
    }
    let st: StatInfo | null;
    try {
      st = t.stat.read();
    } catch (e) {
      this.logger.warn(`watch: reading /proc/${v.pid}/stat failed`, e);
      return;
    }
    if (v.status === 'zombie') return recheckZombie(this.host, t, now);
    if (st === null || st.startTime !== v.startTime || st.state === 'Z' || st.state === 'X') return onExit(this.host, t, false);
    const stopped = st.state === 'T' || st.state === 't';
    if (stopped !== t.stopped) {
      t.stopped = stopped;
      if (stopped) unhealthy(this.host, t, now, `stopped (state ${st.state}): it runs again only after SIGCONT`);
      else if (t.failures < this.config.health.unhealthyAfter) recovered(this.host, t, now, 'continued (no longer stopped)');
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
      v.memory = { rss, processes };
      this.version++;
    }
    if (!t.stopped && !t.probing && now >= t.nextProbeAt) probeDue(this.host, t, now);
  }

  /** Parent and children (and whether it is its unit's only process). */
  private refreshFamily(t: Tracked): void {
    const v = t.view;
    const st = this.stat(v.pid);
    const manager = st ? this.ref(st.ppid) : v.manager;
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

  private emit(t: Tracked, kind: WatchEventKind, reason: string): void {
    this.version++;
    const e: WatchEvent = { kind, time: Date.now(), id: t.view.id, pid: t.view.pid, reason, server: structuredClone(t.view) };
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
