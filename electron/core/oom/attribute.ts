// What Vigil may say about an OOM kill, and only that:
// - the backend, when the victim's pid was one of that backend's processes
//   (its leader or a process of its tree) at the time of the kill. A memory
//   cgroup's name is not enough: a fresh instance reading the kernel log's
//   backlog, or a second instance on the machine, would otherwise blame a
//   backend for a process it never owned;
// - for a system-wide kill of anything else, the backend with the most
//   resident memory at the time, as what it is: the largest consumer, not a
//   cause (the kernel picks its victim by its own badness score);
// - for a kill inside another memory cgroup, nothing: that cgroup's own limit
//   caused it, and no backend's memory use could have.
import type { OomKill } from '../../common/state.js';

export interface Consumer {
  backend: string;
  rssBytes: number;
}

export interface AttributionInputs {
  /** The backend whose process `pid` was at `time` (ms since epoch; null: now), or null. */
  ownerOf(pid: number, time: number | null): string | null;
  /** Each backend's resident memory at `time`; null when no sample was taken close enough to it to say. */
  consumersAt(time: number | null): readonly Consumer[] | null;
  /**
   * Memory (NUMA) nodes of this machine. On one node a cpuset or mempolicy
   * constraint spans every process's memory, so such a kill is system-wide;
   * on several, whether a backend shared the constrained nodes is unknown.
   */
  memoryNodes: number;
}

export interface Attribution {
  backend: string | null;
  largestConsumer: Consumer | null;
}

/** A kill the whole machine's memory shortage caused, as opposed to one memory cgroup's limit. */
export function isSystemWide(kill: OomKill, memoryNodes: number): boolean {
  switch (kill.constraint) {
    case 'CONSTRAINT_NONE':
      return true;
    case 'CONSTRAINT_CPUSET':
    case 'CONSTRAINT_MEMORY_POLICY':
      return memoryNodes === 1;
    case 'CONSTRAINT_MEMCG':
      return false;
    default:
      // No summary line (older kernels, user-space killers): the message's scope decides.
      return kill.constraint === null && kill.scope === 'global';
  }
}

export function attributeKill(kill: OomKill, inputs: AttributionInputs): Attribution {
  // pid 0: systemd-oomd killed a whole cgroup without naming its processes.
  const owner = kill.pid > 0 ? inputs.ownerOf(kill.pid, kill.time) : null;
  if (owner !== null) return { backend: owner, largestConsumer: null };
  if (!isSystemWide(kill, inputs.memoryNodes)) return { backend: null, largestConsumer: null };
  let largest: Consumer | null = null;
  for (const c of inputs.consumersAt(kill.time) ?? []) if (c.rssBytes > 0 && (!largest || c.rssBytes > largest.rssBytes)) largest = c;
  return { backend: null, largestConsumer: largest && { backend: largest.backend, rssBytes: largest.rssBytes } };
}
