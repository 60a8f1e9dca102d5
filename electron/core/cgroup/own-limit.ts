// The memory cgroup Vigil itself runs in, when it (or a cgroup above it) has
// a limit: a container, a systemd unit or slice with MemoryMax=, a test's
// cgroup. Inside one, that limit is the machine: what the guard judges,
// what the sampler calls MemTotal/MemAvailable where it is tighter than the
// host, and where backends' own cgroups go (beneath Vigil's, so the limit
// covers them too).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CGROUP_ROOT, parseMountinfo, type CgroupEnv } from './mountinfo.js';

/** v1 writes "no limit" as a page-rounded 2^63-1; anything this large is none. */
const UNLIMITED = 2 ** 60;

export interface OwnLimit {
  version: 1 | 2;
  /** Vigil's own memory cgroup (a directory). */
  self: string;
  /** The cgroup whose limit is the tightest, Vigil's own or one above it. */
  limited: string;
  limitBytes: number;
}

const read = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};

function limitOf(version: 1 | 2, dir: string): number | null {
  const t = read(path.join(dir, version === 1 ? 'memory.limit_in_bytes' : 'memory.max'))?.trim();
  if (!t || t === 'max') return null;
  const n = Number(t);
  return Number.isFinite(n) && n < UNLIMITED ? n : null;
}

/** Vigil's memory cgroup and the tightest limit at or above it; null when there is none (or no memory controller). */
export function ownMemoryLimit(env: CgroupEnv = {}): OwnLimit | null {
  const procRoot = env.procRoot ?? '/proc';
  const root = env.cgroupRoot ?? DEFAULT_CGROUP_ROOT;
  const rebase = (p: string): string => (root !== DEFAULT_CGROUP_ROOT && (p === DEFAULT_CGROUP_ROOT || p.startsWith(`${DEFAULT_CGROUP_ROOT}/`)) ? root + p.slice(DEFAULT_CGROUP_ROOT.length) : p);
  const mountinfo = read(path.join(procRoot, 'self/mountinfo'));
  const cgroups = read(path.join(procRoot, 'self/cgroup'));
  if (mountinfo === null || cgroups === null) return null;
  const mounts = parseMountinfo(mountinfo);
  const lines = cgroups.split('\n').map((l) => l.split(':'));
  let version: 1 | 2;
  let mount: string;
  let rel: string | undefined;
  const v1 = mounts.find((m) => m.fsType === 'cgroup' && m.superOptions.includes('memory'));
  if (v1) {
    version = 1;
    mount = rebase(v1.mountPoint);
    rel = lines.find((f) => f.length >= 3 && f[1]!.split(',').includes('memory'))?.slice(2).join(':');
  } else {
    const v2 = mounts.find((m) => m.fsType === 'cgroup2');
    if (!v2) return null;
    version = 2;
    mount = rebase(v2.mountPoint);
    rel = lines.find((f) => f[0] === '0' && f[1] === '')?.slice(2).join(':');
  }
  if (rel === undefined) return null;
  const self = path.join(mount, rel.trim());
  let best: { dir: string; bytes: number } | null = null;
  for (let dir = self; dir.startsWith(mount) && dir !== mount; dir = path.dirname(dir)) {
    const l = limitOf(version, dir);
    if (l !== null && (best === null || l < best.bytes)) best = { dir, bytes: l };
  }
  return best ? { version, self, limited: best.dir, limitBytes: best.bytes } : null;
}

export interface LimitedMachine {
  total: number;
  /** The limit less what is charged, page cache that can be dropped counted as free (like MemAvailable). */
  available: number;
  /** The limited cgroup's own PSI (v2); null on v1, which has none per cgroup. */
  psiFullAvg10: number | null;
}

const statField = (text: string | null, key: string): number => {
  const m = text ? new RegExp(`^${key} (\\d+)$`, 'm').exec(text) : null;
  return m ? Number(m[1]) : 0;
};

/** What the limited cgroup has left now; null when its files cannot be read. */
export function readLimitedMachine(own: OwnLimit): LimitedMachine | null {
  const dir = own.limited;
  if (own.version === 1) {
    const usage = Number(read(path.join(dir, 'memory.usage_in_bytes'))?.trim());
    if (!Number.isFinite(usage)) return null;
    const inactive = statField(read(path.join(dir, 'memory.stat')), 'total_inactive_file');
    return { total: own.limitBytes, available: Math.max(0, own.limitBytes - usage + inactive), psiFullAvg10: null };
  }
  const current = Number(read(path.join(dir, 'memory.current'))?.trim());
  if (!Number.isFinite(current)) return null;
  const inactive = statField(read(path.join(dir, 'memory.stat')), 'inactive_file');
  const psi = /^full avg10=([\d.]+)/m.exec(read(path.join(dir, 'memory.pressure')) ?? '');
  return { total: own.limitBytes, available: Math.max(0, own.limitBytes - current + inactive), psiFullAvg10: psi ? Number(psi[1]) : null };
}
