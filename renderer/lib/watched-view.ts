// What a watched server's card shows, as plain data (unit-tested in Node):
// its tone, the facts in order, and the buttons — only the actions that
// make sense for it (offeredWatchActions in electron/common/watch.ts, which
// the tray follows too; REST refuses by the same watchActions). No Reap,
// ever: Vigil is not the parent of a watched zombie.
import { describeGpuUse } from '../../electron/common/gpu-format.js';
import { formatBytes, formatKb } from '../../electron/common/format.js';
import { isWatchedAlive, offeredWatchActions, watchedZombieNote, type WatchAction, type WatchStatus, type WatchedServer } from '../../electron/common/watch.js';
import { formatClock, killerLabel, type Tone } from './format.js';

export interface WatchedFact {
  label: string;
  text: string;
  /** data-testid suffix, so specs find a fact without relying on its position. */
  key: string;
  /** A sentence or a path: given the card's whole width. */
  wide?: boolean;
}

/** A server that ended OOM-killed is red (bad) even once reaped: it did not end on purpose. */
export function watchedTone(s: Pick<WatchedServer, 'status' | 'lastOom'>): Tone {
  switch (s.status) {
    case 'running':
      return 'ok';
    case 'unhealthy':
      return 'warn';
    case 'orphaned':
    case 'zombie':
      return 'bad';
    case 'exited':
    case 'gone':
      return s.lastOom ? 'bad' : 'idle';
  }
}

const RANK: Record<WatchStatus, number> = { zombie: 0, orphaned: 1, unhealthy: 2, running: 3, exited: 4, gone: 5 };
const rank = (s: WatchedServer): number => (s.lastOom && (s.status === 'exited' || s.status === 'gone') ? 0 : RANK[s.status]);

/** Trouble first (zombies and the OOM-killed, then orphans, then unhealthy), then running, then the recently ended; by pid within each. */
export function sortWatched(list: readonly WatchedServer[]): WatchedServer[] {
  return [...list].sort((a, b) => rank(a) - rank(b) || a.pid - b.pid);
}

const ref = (p: { comm: string; pid: number }): string => `${p.comm} ${p.pid}`;

/** The facts of the card, in order; a fact Vigil does not know is left out rather than shown as a dash. */
export function watchedFacts(s: WatchedServer): WatchedFact[] {
  const out: WatchedFact[] = [{ label: 'PID', text: String(s.pid), key: 'pid' }];
  // Once it is gone, its manager is as it was at its exit (the line says who reaped it).
  const manager = s.manager ? `${ref(s.manager)}${s.manager.pid === 1 ? ' (init)' : ''}${s.status === 'gone' ? ' (at its exit)' : ''}` : 'none (reparented to init)';
  out.push({ label: 'Manager', text: manager, key: 'manager' });
  if (s.orphanedFrom) out.push({ label: 'Orphaned', text: `from ${ref(s.orphanedFrom.manager)}, which exited at ${formatClock(s.orphanedFrom.exitedAt)}`, key: 'orphaned', wide: true });
  if (s.exit) out.push({ label: 'Ended', text: s.exit.signal ? `killed by ${s.exit.signal} (the kernel's process events)` : `exit status ${s.exit.code} (the kernel's process events)`, key: 'exit' });
  if (s.listen.length) {
    const ports = [...new Set(s.listen.map((l) => l.port))].join(', ');
    const label = `${s.listen.length > 1 ? 'Ports' : 'Port'}${s.status === 'zombie' || s.status === 'exited' || s.status === 'gone' ? ' (until its exit)' : ''}`;
    out.push({ label, text: s.listenInferred ? `${ports} (inferred: its fds are not readable)` : ports, key: 'ports' });
  }
  if (s.unit) out.push({ label: 'Unit', text: `${s.unit.name}${s.unit.scope === 'user' ? ' (user)' : ''}`, key: 'unit' });
  // A manager's models are its own section (loaded vs available); a server's model is its manager's name for it first.
  const model = s.managedModel ?? s.model ?? (!s.managerView && s.apiModels.length ? s.apiModels.join(', ') : null);
  if (isWatchedAlive(s)) out.push({ label: 'Health', text: s.healthDetail, key: 'health' });
  if (s.memory) out.push({ label: 'RSS', text: `${formatBytes(s.memory.rss)}${s.memory.processes > 1 ? ` (${s.memory.processes} processes)` : ''}`, key: 'rss' });
  if (s.memory?.gpu?.length) {
    const g = describeGpuUse(s.memory.gpu);
    out.push({ label: 'GPU', text: g.title ? `${g.text} (GTT: host RAM, not in RSS)` : g.text, key: 'gpu', wide: true });
  }
  if (s.oomScoreAdj !== null && s.status !== 'gone') out.push({ label: 'OOM score adj', text: String(s.oomScoreAdj), key: 'oomadj' });
  if (model) out.push({ label: 'Model', text: s.managedModel && s.model && s.managedModel !== s.model ? `${s.managedModel} (${s.model})` : model, key: 'model', wide: true });
  if (s.lastOom) out.push({ label: 'Last OOM kill', text: oomText(s.lastOom), key: 'oom', wide: true });
  return out;
}

function oomText(k: NonNullable<WatchedServer['lastOom']>): string {
  const when = k.time !== null ? formatClock(k.time) : (k.timeText ?? 'time unknown');
  const rss = k.anonRssKb !== null ? `, anon RSS ${formatKb(k.anonRssKb)}` : k.rssKb != null ? `, RSS ${formatKb(k.rssKb)}` : '';
  const where = k.memcg ? ` in ${k.memcg}` : '';
  return `${when} by the ${killerLabel(k.killer)}${where}${rss}`;
}

/** The buttons the card shows (the tray offers the same), each allowed or not (with why) by watchActions. */
export function watchedButtons(s: WatchedServer, uid: number): WatchAction[] {
  return offeredWatchActions(s, { uid });
}

/** Why Vigil offers nothing for a zombie: it says so instead of showing a Reap button it could not honour. */
export const zombieNote = watchedZombieNote;
