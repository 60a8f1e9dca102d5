// The slower facts about a watched process, read when it is found and then
// every half minute (its ports every tick until it listens): the TCP ports
// it listens on (its socket inodes from /proc/<pid>/fd matched against the
// LISTEN sockets of its own network namespace, so a server in a container
// is seen too), its owner, executable, systemd unit and memory cgroup, its
// parent and children.
import type { WatchListen, WatchProcessRef } from '../../common/watch.js';
import { readSmall } from '../procfs/read.js';
import { netNamespace, readCgroup, readLink, readListening, readUid, socketInodes, type CgroupInfo, type ListenSocket } from '../procfs/proc-info.js';
import { readStat } from '../procfs/stat.js';

/** LISTEN sockets per network namespace, read at most once per refresh round. */
export class ListeningCache {
  private readonly byNs = new Map<string, ListenSocket[]>();
  /** TCP table reads so far (tests). */
  reads = 0;

  constructor(private readonly procRoot: string) {}

  of(pid: number): ListenSocket[] {
    const ns = netNamespace(this.procRoot, pid) ?? `pid:${pid}`;
    let socks = this.byNs.get(ns);
    if (!socks) {
      this.reads++;
      try {
        socks = readListening(this.procRoot, pid);
      } catch {
        socks = [];
      }
      this.byNs.set(ns, socks);
    }
    return socks;
  }
}

export interface PortsResult {
  listen: WatchListen[];
  /** Its fds were not readable: these are the LISTEN sockets of its uid, not proven its own. */
  inferred: boolean;
}

const dedupe = (socks: readonly ListenSocket[]): WatchListen[] => {
  const seen = new Set<string>();
  const out: WatchListen[] = [];
  for (const s of [...socks].sort((a, b) => a.port - b.port || a.host.localeCompare(b.host))) {
    const k = `${s.host}|${s.port}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ host: s.host, port: s.port });
  }
  return out;
};

/**
 * Ports the process listens on; null when it is gone. Its socket inodes are
 * matched against the LISTEN rows every time: a socket it already holds may
 * start listening at any moment (socket, bind, then listen), so an unchanged
 * set of sockets proves nothing. A process without sockets needs no table.
 */
export function readPorts(procRoot: string, pid: number, uid: number | null, cache: ListeningCache): PortsResult | null {
  const inodes = socketInodes(procRoot, pid);
  if (inodes === null) return null;
  if (inodes === 'denied') {
    const socks = cache.of(pid);
    return { listen: uid === null ? [] : dedupe(socks.filter((s) => s.uid === uid)), inferred: true };
  }
  if (inodes.size === 0) return { listen: [], inferred: false };
  return { listen: dedupe(cache.of(pid).filter((s) => inodes.has(s.inode))), inferred: false };
}

export interface Identity {
  uid: number | null;
  exe: string | null;
  cgroup: CgroupInfo | null;
}

export function readIdentity(procRoot: string, pid: number): Identity {
  let cgroup: CgroupInfo | null;
  try {
    cgroup = readCgroup(procRoot, pid);
  } catch {
    cgroup = null;
  }
  return { uid: readUid(procRoot, pid), exe: readLink(procRoot, pid, 'exe'), cgroup };
}

/** A process by pid with its comm; null when it is gone. */
export function processRef(procRoot: string, pid: number, watchedId: (pid: number) => string | null): WatchProcessRef | null {
  if (!(pid > 0)) return null;
  let st;
  try {
    st = readStat(procRoot, pid);
  } catch {
    st = null;
  }
  return st ? { pid, comm: st.comm, watchedId: watchedId(pid) } : null;
}

/** Boot time in ms since epoch (btime of /proc/stat); null when unreadable. */
export function bootTimeMs(procRoot: string): number | null {
  try {
    const text = readSmall(`${procRoot}/stat`);
    const m = /^btime (\d+)$/m.exec(text ?? '');
    return m ? Number(m[1]) * 1000 : null;
  } catch {
    return null;
  }
}

/** USER_HZ: the unit of /proc/<pid>/stat times (100 on every Linux ABI Vigil runs on). */
export const CLOCK_TICKS = 100;
