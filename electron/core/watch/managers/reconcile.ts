// A manager's card: its servers as Vigil sees them (live, from the watched
// list itself), each beside what the manager says of it, its servers' OOM
// kills and failed loads, and every claim that what Vigil sees contradicts,
// in plain words.
import type { OomKill } from '../../../common/oom-kill.js';
import type { ManagedServer, ManagerClaim, ManagerDiscrepancy, ManagerView, WatchedServer } from '../../../common/watch-types.js';
import type { ManagerAdapter, ManagerReading } from './types.js';

export interface ApiState {
  path: string;
  /** ms since epoch of the last answer read into claims; null before the first. */
  at: number | null;
  detail: string;
  reading: ManagerReading | null;
}

/**
 * What the watcher may also know of a server: how it ended (the kernel's
 * process events, where Vigil has them) and, on a manager, the OOM kills of
 * servers of it never watched. Read where present.
 */
export type WatchedFacts = WatchedServer & { exit?: { code: number | null; signal: string | null } | null; serverOoms?: OomKill[] };

/** Statuses of a process that still runs (an orphan of a dead manager too). */
const LIVE: ReadonlySet<string> = new Set(['running', 'unhealthy', 'orphaned']);
export const isLive = (s: WatchedServer): boolean => LIVE.has(s.status);
const exited = (s: WatchedServer): boolean => !isLive(s);
const signalOf = (s: WatchedServer): string | null => (s as WatchedFacts).exit?.signal ?? null;

/**
 * A server's manager is this process: its parent was this pid, and it did
 * not start before the manager did (a pid reused by a later manager is not
 * the parent of a server gone before it).
 */
export function serversOf(m: WatchedServer, all: readonly WatchedServer[]): WatchedServer[] {
  return all
    .filter((v) => v.id !== m.id && v.manager?.pid === m.pid && (m.startTime <= v.startTime))
    .sort((a, b) => Number(exited(a)) - Number(exited(b)) || b.startTime - a.startTime);
}

/** A live server unlisted by its manager is named only after this long (a manager lists a child once it has started it). */
const UNLISTED_AFTER_MS = 15_000;

export interface ReconcileInput {
  manager: WatchedServer;
  adapter: ManagerAdapter;
  api: ApiState | null;
  all: readonly WatchedServer[];
  /** Ids of servers that ever answered their API as ready. */
  everReady: ReadonlySet<string>;
  /** Whether a pid names a live process (a claim's pid that no watched server has). */
  pidAlive: (pid: number) => boolean;
  /** The model by the manager's name for one of its servers. */
  nameOf: (s: WatchedServer, claim: ManagerClaim | null) => string | null;
  /** Told of each live server its manager calls loaded or ready (so its later death is not a failed load). */
  onReady?: (id: string) => void;
}

/** States in which a manager says a server has finished loading. */
const READY = new Set(['loaded', 'ready', 'sleeping']);

export function reconcile(inp: ReconcileInput): ManagerView {
  const { manager: m, adapter, api, all, everReady } = inp;
  const servers = serversOf(m, all);
  const claims = api?.reading?.claims ?? [];
  const claimOf = new Map<string, ManagerClaim | null>();
  const taken = new Set<ManagerClaim>();
  // Live servers take their claim first: a claim for a model loaded again belongs to the new server.
  for (const s of servers) {
    const c = adapter.claimOf(s, claims.filter((x) => !taken.has(x)));
    claimOf.set(s.id, c);
    if (c && !exited(s)) taken.add(c);
  }

  const managed: ManagedServer[] = servers.map((s) => {
    const c = claimOf.get(s.id) ?? null;
    if (c && !exited(s) && READY.has(c.state)) inp.onReady?.(s.id);
    return {
      id: s.id,
      pid: s.pid,
      model: inp.nameOf(s, c) ?? s.model,
      status: s.status,
      exitedAt: s.exitedAt,
      oom: s.lastOom,
      failedLoad: exited(s) && !everReady.has(s.id) && !(c !== null && READY.has(c.state)),
      signal: signalOf(s),
      says: c ? c.says : null,
    };
  });

  const kills = new Map<string, OomKill>();
  for (const s of servers) if (s.lastOom) kills.set(s.lastOom.id, s.lastOom);
  // A kill of a process of the manager that Vigil never listed (it died during its load) lands on the manager.
  if (m.lastOom && m.lastOom.pid !== m.pid) kills.set(m.lastOom.id, m.lastOom);
  for (const k of (m as WatchedFacts).serverOoms ?? []) kills.set(k.id, k);

  const discrepancies: ManagerDiscrepancy[] = [];
  const who = adapter.name;
  for (const c of claims) {
    const s = servers.find((x) => claimOf.get(x.id) === c) ?? null;
    const listed = c.pid !== null ? `${who} says ${c.model}'s server (pid ${c.pid}) is ${c.alive ? 'alive' : c.state}` : `${who} lists ${c.model} as ${c.state}`;
    if (c.failed) {
      const said = `${who} says ${c.model} ${c.says}`;
      if (s?.lastOom) discrepancies.push({ model: c.model, serverId: s.id, claim: said, truth: `the kernel killed its ${s.comm} ${s.pid} for memory`, at: s.lastOom.time ?? s.exitedAt });
      else if (s && signalOf(s)) discrepancies.push({ model: c.model, serverId: s.id, claim: said, truth: `its ${s.comm} ${s.pid} was killed by ${signalOf(s)}`, at: s.exitedAt });
      continue;
    }
    if (!c.alive) continue;
    if (s && exited(s)) {
      const sig = signalOf(s);
      const how = s.lastOom ? 'was OOM-killed' : sig ? `was killed by ${sig}` : s.status === 'zombie' ? 'has exited (a zombie its parent has not reaped)' : 'has exited';
      discrepancies.push({ model: c.model, serverId: s.id, claim: listed, truth: `its ${s.comm} ${s.pid} ${how}`, at: s.lastOom?.time ?? s.exitedAt });
    } else if (!s && c.pid !== null && !inp.pidAlive(c.pid)) {
      discrepancies.push({ model: c.model, serverId: null, claim: listed, truth: `no process ${c.pid} exists`, at: null });
    }
  }
  if (api?.reading && api.at !== null) {
    for (const s of servers) {
      if (exited(s) || claimOf.get(s.id) || s.startedAt === null || api.at - s.startedAt < UNLISTED_AFTER_MS) continue;
      const port = s.listen[0]?.port;
      discrepancies.push({ model: inp.nameOf(s, null) ?? s.model ?? s.comm, serverId: s.id, claim: `${who} does not list it`, truth: `its ${s.comm} ${s.pid}${port !== undefined ? ` on port ${port}` : ''} is running`, at: null });
    }
  }

  return {
    api: api ? { path: api.path, at: api.at, detail: api.detail } : null,
    servers: managed,
    claims,
    loaded: claims.filter((c) => c.alive).map((c) => c.model),
    available: api?.reading?.available ?? [],
    kills: [...kills.values()].sort((a, b) => (b.time ?? 0) - (a.time ?? 0)),
    discrepancies,
  };
}
