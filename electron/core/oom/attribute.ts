// Which backend an OOM kill belongs to: by pid, by the backend's process
// tree (pids given by the caller), by cgroup (the kill's memcg ends with the
// backend's cgroup path, or sits below it). A kill of anything else names the
// backend with the largest RSS as the likely cause of the memory pressure.
import type { OomKill } from '../../common/state.js';

export interface BackendForAttribution {
  id: string;
  pids: Iterable<number>;
  cgroupPath: string | null;
  rssBytes: number;
}

const trimSlash = (p: string): string => p.replace(/\/+$/, '');

/** Does the kernel's memcg path (relative to the hierarchy root) name this cgroup or one below it? */
function inCgroup(memcg: string, cgroupPath: string): boolean {
  const m = trimSlash(memcg);
  const c = trimSlash(cgroupPath);
  if (!m || !c || m.endsWith('…')) return false;
  // cgroupPath may be absolute on the filesystem (/sys/fs/cgroup/memory/vigil/x) while the kernel prints /vigil/x.
  for (let i = c.indexOf('/'); i >= 0; i = c.indexOf('/', i + 1)) {
    const suffix = c.slice(i);
    if (m === suffix || m.startsWith(`${suffix}/`)) return true;
  }
  return false;
}

export function attributeKill(kill: OomKill, backends: BackendForAttribution[]): { backend: string | null; likelyCause: string | null } {
  for (const b of backends) for (const pid of b.pids) if (pid === kill.pid && pid > 0) return { backend: b.id, likelyCause: null };
  if (kill.memcg) for (const b of backends) if (b.cgroupPath && inCgroup(kill.memcg, b.cgroupPath)) return { backend: b.id, likelyCause: null };
  let largest: BackendForAttribution | null = null;
  for (const b of backends) if (b.rssBytes > 0 && (!largest || b.rssBytes > largest.rssBytes)) largest = b;
  return { backend: null, likelyCause: largest?.id ?? null };
}
