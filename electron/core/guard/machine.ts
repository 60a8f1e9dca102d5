// The machine the guard judges: the host (/proc/meminfo, /proc/pressure/memory),
// or, when Vigil runs in a memory cgroup whose limit is tighter than the
// host's memory, that cgroup (its limit, its charge less droppable page
// cache, and on v2 its own PSI; v1 has no per-cgroup PSI, so pressure there
// is MemAvailable of the limited machine alone).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ownMemoryLimit, readLimitedMachine, type OwnLimit } from '../cgroup/index.js';
import { parseMeminfo, readPsi } from '../memory/system.js';
import type { Reading } from './threshold.js';

export interface MachineReading extends Reading {
  /** 'host', or the limited cgroup's path. */
  where: string;
}

export class MachineReader {
  readonly own: OwnLimit | null;

  constructor(private readonly procRoot = '/proc') {
    this.own = procRoot === '/proc' ? ownMemoryLimit() : null;
  }

  read(t: number): MachineReading | null {
    let host: { total: number; available: number } | null;
    try {
      const m = parseMeminfo(readFileSync(path.join(this.procRoot, 'meminfo'), 'latin1'));
      host = { total: m.MemTotal, available: m.MemAvailable };
    } catch {
      host = null;
    }
    const own = this.own;
    const lim = own ? readLimitedMachine(own) : null;
    if (lim && own && (!host || lim.total < host.total)) {
      return { t, total: lim.total, available: host ? Math.min(lim.available, host.available) : lim.available, psiFullAvg10: lim.psiFullAvg10, where: own.limited };
    }
    if (!host) return null;
    let psi: number | null;
    try {
      psi = readPsi(this.procRoot)?.fullAvg10 ?? null;
    } catch {
      psi = null;
    }
    return { t, total: host.total, available: host.available, psiFullAvg10: psi, where: 'host' };
  }
}
