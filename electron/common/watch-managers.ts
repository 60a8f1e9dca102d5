// The words of a manager's card (the router, Ollama, llama-swap, lemond):
// one line per server of it, and each claim of the manager that what Vigil
// sees contradicts. Ages are computed when shown, so the state carries times.
import { formatAgo } from './format.js';
import type { ManagedServer, ManagerDiscrepancy, ManagerView } from './watch-types.js';

/** 'the router says …' opens a sentence; a program's own name (llama-swap, lemond) keeps its case. */
const cap = (t: string): string => (t.startsWith('the ') ? `T${t.slice(1)}` : t);

/** 'The router says tiny exited with status 1; the kernel killed its llama-server 4242 for memory 40s ago.' */
export function describeDiscrepancy(d: ManagerDiscrepancy, now: number): string {
  const ago = d.at !== null ? ` ${formatAgo(Math.max(0, now - d.at))}` : '';
  return `${cap(d.claim)}; ${d.truth}${ago}.`;
}

/** What Vigil sees of one server of the manager: 'running', 'OOM-killed 40s ago during its load', 'exited 3s ago'. */
export function managedServerState(s: ManagedServer, now: number): string {
  if (s.exitedAt === null && s.status !== 'gone' && s.status !== 'zombie') return s.status;
  const ago = s.exitedAt !== null ? ` ${formatAgo(Math.max(0, now - s.exitedAt))}` : '';
  const how = s.oom ? 'OOM-killed' : s.signal ? `killed by ${s.signal}` : s.status === 'zombie' ? 'exited (unreaped zombie)' : 'exited';
  return `${how}${ago}${s.failedLoad ? ' during its load' : ''}`;
}

/** Its models for the card: loaded ones, then the others it can load. */
export function managerModels(v: ManagerView): { loaded: string; available: string | null } {
  const states = new Map(v.claims.map((c) => [c.model, c.state]));
  const loaded = v.loaded.map((m) => (states.get(m) && !['loaded', 'ready'].includes(states.get(m)!) ? `${m} (${states.get(m)})` : m));
  const others = v.available.filter((m) => !v.loaded.includes(m));
  return { loaded: loaded.length ? loaded.join(', ') : 'none', available: others.length ? others.join(', ') : null };
}

/** 'OOM kills of its servers: 2 (last 40s ago, llama-server 4242)'; null when none. */
export function managerKills(v: ManagerView, now: number): string | null {
  const k = v.kills[0];
  if (!k) return null;
  const ago = k.time !== null ? `${formatAgo(Math.max(0, now - k.time))}, ` : '';
  return `${v.kills.length} (last ${ago}${k.comm} ${k.pid})`;
}
