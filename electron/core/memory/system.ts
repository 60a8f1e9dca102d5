// System-wide memory: /proc/meminfo and PSI (/proc/pressure/memory).
import path from 'node:path';
import { ownMemoryLimit, readLimitedMachine, type OwnLimit } from '../cgroup/own-limit.js';
import type { SystemMemory } from '../../common/state.js';
import { errnoOf, KeptFile, ReadFailure } from '../procfs/read.js';

const MEMINFO_FIELDS = ['MemTotal', 'MemAvailable', 'SwapTotal', 'SwapFree'] as const;
type MeminfoField = (typeof MEMINFO_FIELDS)[number];

/** Parse /proc/meminfo text; values in bytes. Throws naming the file, line and field on bad input. */
export function parseMeminfo(text: string, file = '/proc/meminfo'): Record<MeminfoField, number> {
  const out: Partial<Record<MeminfoField, number>> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon) as MeminfoField;
    if (!MEMINFO_FIELDS.includes(key)) continue;
    const m = /^\s*(\d+)\s*(kB)?\s*$/.exec(line.slice(colon + 1));
    if (!m) throw new Error(`${file}:${i + 1}: field ${key}: expected "<number> kB", got ${JSON.stringify(line.slice(colon + 1).trim())}`);
    out[key] = Number(m[1]) * (m[2] ? 1024 : 1);
  }
  for (const f of MEMINFO_FIELDS) {
    if (out[f] === undefined) throw new Error(`${file}: missing field ${f}`);
  }
  return out as Record<MeminfoField, number>;
}

export type Psi = NonNullable<SystemMemory['psi']>;

/** Parse /proc/pressure/memory text. Throws naming file, line and field on bad input. */
export function parsePsi(text: string, file = '/proc/pressure/memory'): Psi {
  const found: Record<string, { avg10: number; avg60: number }> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const [kind, ...pairs] = line.split(/\s+/);
    if (kind !== 'some' && kind !== 'full') throw new Error(`${file}:${i + 1}: expected "some" or "full", got ${JSON.stringify(kind)}`);
    const kv = new Map(pairs.map((p) => p.split('=') as [string, string]));
    const num = (k: string): number => {
      const v = Number(kv.get(k));
      if (kv.get(k) === undefined || !Number.isFinite(v)) throw new Error(`${file}:${i + 1}: field ${kind}.${k}: expected a number, got ${JSON.stringify(kv.get(k) ?? null)}`);
      return v;
    };
    found[kind] = { avg10: num('avg10'), avg60: num('avg60') };
  }
  const some = found.some;
  if (!some) throw new Error(`${file}: missing "some" line`);
  // Kernels before 5.13 (and the CPU file) had no "full" line for every resource; treat it as zero pressure.
  const full = found.full ?? { avg10: 0, avg60: 0 };
  return { someAvg10: some.avg10, someAvg60: some.avg60, fullAvg10: full.avg10, fullAvg60: full.avg60 };
}

/** PSI for memory, or null when the kernel has none (file absent, or psi=0 → EOPNOTSUPP). */
export function readPsi(procRoot = '/proc'): Psi | null {
  const f = new KeptFile(path.join(procRoot, 'pressure/memory'));
  try {
    return psiFrom(f);
  } finally {
    f.close();
  }
}

function psiFrom(f: KeptFile): Psi | null {
  let text: string | null;
  try {
    text = f.read();
  } catch (e) {
    const code = e instanceof ReadFailure ? e.code : errnoOf(e);
    if (code === 'EOPNOTSUPP') return null;
    throw e;
  }
  return text === null ? null : parsePsi(text, f.path);
}

/**
 * meminfo + PSI through kept fds: the sampler reads both every second, and
 * open+close of each costs as much kernel work as the read itself.
 */
export class SystemMemoryReader {
  private readonly meminfo: KeptFile;
  private readonly psi: KeptFile;
  /** The memory cgroup Vigil runs in when it has a limit: that limit is the machine where it is tighter. */
  private readonly own: OwnLimit | null;

  constructor(procRoot = '/proc') {
    this.meminfo = new KeptFile(path.join(procRoot, 'meminfo'));
    this.psi = new KeptFile(path.join(procRoot, 'pressure/memory'));
    this.own = procRoot === '/proc' ? ownMemoryLimit() : null;
  }

  /** Throws a clear error when meminfo is missing or malformed. */
  read(now = Date.now()): SystemMemory {
    const file = this.meminfo.path;
    const text = this.meminfo.read();
    if (text === null) throw new ReadFailure(file, 'ENOENT', new Error('ENOENT'));
    const m = parseMeminfo(text, file);
    const lim = this.own ? readLimitedMachine(this.own) : null;
    const tighter = lim !== null && lim.total < m.MemTotal;
    return {
      time: now,
      memTotal: tighter ? lim.total : m.MemTotal,
      memAvailable: tighter ? Math.min(lim.available, m.MemAvailable) : m.MemAvailable,
      swapTotal: m.SwapTotal,
      swapFree: m.SwapFree,
      psi: psiFrom(this.psi),
    };
  }

  close(): void {
    this.meminfo.close();
    this.psi.close();
  }
}

/** meminfo + PSI, once. Throws a clear error when meminfo is missing or malformed. */
export function readSystemMemory(procRoot = '/proc', now = Date.now()): SystemMemory {
  const r = new SystemMemoryReader(procRoot);
  try {
    return r.read(now);
  } finally {
    r.close();
  }
}
