// Which watched server an OOM kill took. The kernel names the victim by pid
// and comm and (on 5.x and later) by its memory cgroup; systemd-oomd names
// the unit's cgroup. In order of certainty: the victim is a watched server
// (pid and comm agree, so a recycled pid is not mistaken), one of its
// children, a process of its systemd unit, or — when the log line came
// without a pid we know — a server with the same comm that exited right then.
import path from 'node:path';
import type { OomKill } from '../../common/state.js';
import type { WatchedServer } from '../../common/watch.js';

export type AttributionBy = 'pid' | 'child' | 'unit' | 'memcg' | 'comm-time';

export interface WatchAttribution {
  id: string;
  by: AttributionBy;
}

/** Kernel comms are cut to 15 bytes; earlyoom prints the whole name. */
export function sameComm(a: string, b: string): boolean {
  if (!a || !b) return false;
  const x = a.slice(0, 15);
  const y = b.slice(0, 15);
  return x === y;
}

const trim = (p: string): string => p.replace(/\/+$/, '');

/** The unit a cgroup path ends in ('/system.slice/ollama.service' → 'ollama.service'), ignoring user@N.service. */
function unitOfPath(p: string): string | null {
  const parts = trim(p).split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]!.endsWith('.service') && !/^user@\d+\.service$/.test(parts[i]!)) return parts[i]!;
  return null;
}

/** Within this many ms of a server's exit, a kill of the same comm (and no usable pid) is taken as its. */
export const COMM_TIME_WINDOW_MS = 5000;

/** The kill's cgroup: the task's own (task_memcg) when the summary gave it, else the one that hit its limit. */
const killCgroup = (k: OomKill): string | null => k.memcg;

/** A kill logged before the process started (a backlog line, a recycled pid) is not its. */
const startedBy = (kill: OomKill) => (s: WatchedServer): boolean => kill.time === null || s.startedAt === null || kill.time >= s.startedAt - STARTED_SLACK_MS;
/** startedAt comes from clock ticks (10 ms) and the kernel's boot time in whole seconds. */
const STARTED_SLACK_MS = 2000;

/**
 * `knownElsewhere(pid)`: the pid is a process Vigil saw that is none of these
 * servers (so a kill naming it is that process's, whatever its comm).
 */
export function attributeWatchedKill(kill: OomKill, all: readonly WatchedServer[], knownElsewhere: (pid: number) => boolean = () => false): WatchAttribution | null {
  const servers = all.filter(startedBy(kill));
  if (kill.pid > 0) {
    // systemd-oomd names the unit, not the comm, beside the pids it killed.
    for (const s of servers) if (s.pid === kill.pid && (sameComm(s.comm, kill.comm) || kill.killer === 'systemd-oomd')) return { id: s.id, by: 'pid' };
    for (const s of servers) if (s.status !== 'gone' && s.children.some((c) => c.pid === kill.pid && sameComm(c.comm, kill.comm))) return { id: s.id, by: 'child' };
  }
  const cg = killCgroup(kill);
  if (cg && !cg.endsWith('…')) {
    const unit = unitOfPath(cg);
    if (unit) {
      const inUnit = servers.filter((s) => s.unit?.name === unit && (s.cgroup === null || trim(s.cgroup) === trim(cg) || trim(cg).startsWith(`${trim(s.cgroup)}/`)));
      if (inUnit.length) {
        // The victim itself when its comm says so; else the unit's top server (whose manager is not watched).
        const own = inUnit.find((s) => sameComm(s.comm, kill.comm) || sameComm(path.posix.basename(s.exe ?? ''), kill.comm));
        return { id: (own ?? inUnit.find((s) => !s.manager?.watchedId) ?? inUnit[0]!).id, by: 'unit' };
      }
    }
    // Same cgroup and same comm: the kernel's line came before we knew the pid, or names a thread group we list.
    const same = kill.pid > 0 && knownElsewhere(kill.pid) ? undefined : servers.find((s) => s.cgroup !== null && trim(s.cgroup) === trim(cg) && sameComm(s.comm, kill.comm));
    if (same) return { id: same.id, by: 'memcg' };
  }
  // Last resort, for a pid Vigil cannot resolve (another pid namespace, a process too short-lived to see):
  // same comm, exited within the window, and no cgroup that says otherwise. Another server of
  // the same name killed at the same moment elsewhere must not be taken for this one.
  if (kill.time !== null && !(kill.pid > 0 && knownElsewhere(kill.pid))) {
    for (const s of servers) {
      if (s.exitedAt === null || Math.abs(s.exitedAt - kill.time) > COMM_TIME_WINDOW_MS || !sameComm(s.comm, kill.comm)) continue;
      if (cg && s.cgroup !== null && trim(cg) !== trim(s.cgroup)) continue;
      return { id: s.id, by: 'comm-time' };
    }
  }
  return null;
}
