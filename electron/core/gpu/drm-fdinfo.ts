// Per-process GPU memory from DRM fdinfo, as the kernel documents it
// (Documentation/gpu/drm-usage-stats.rst): for each fd of a process that
// points into /dev/dri/, /proc/PID/fdinfo/FD has `drm-driver`, `drm-pdev`,
// `drm-client-id` and per memory region `drm-memory-<region>` (amdgpu's
// older key, what is resident) or `drm-total-` / `drm-shared-` /
// `drm-resident-<region>`, in bytes, KiB or MiB. A client (an open file
// description) may sit behind several fds of one process, or fds of several
// processes (fork, fd passing): it is counted once, by (pdev, client-id),
// for the first pid that shows it.
import { readdirSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { errnoOf, readSmall } from '../procfs/read.js';

export interface DrmClient {
  pid: number;
  driver: string;
  /** PCI address of the device, e.g. '0000:c5:00.0'. */
  pdev: string;
  clientId: string;
  /** Resident bytes per region ('vram', 'gtt', 'cpu', 'system', 'local0', 'vram0' …). */
  regions: Record<string, number>;
}

const UNIT: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 * 1024, GiB: 1024 * 1024 * 1024 };
const KEY = /^drm-(memory|total|resident|shared|purgeable|active)-([\w.-]+):\s*(\d+)\s*(KiB|MiB|GiB)?\s*$/;

/** The fdinfo text of a DRM fd; null when it has no drm-client-id (a KMS-only fd, a driver too old to say). Throws naming the line on a malformed size. */
export function parseDrmFdinfo(text: string, pid: number, where: string): DrmClient | null {
  let driver: string | null = null;
  let pdev = '';
  let clientId: string | null = null;
  // Per region: what is resident, by the most precise key the kernel gave.
  const resident: Record<string, number> = {};
  const memory: Record<string, number> = {};
  const total: Record<string, number> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('drm-')) continue;
    if (line.startsWith('drm-driver:')) driver = line.slice(11).trim();
    else if (line.startsWith('drm-pdev:')) pdev = line.slice(9).trim();
    else if (line.startsWith('drm-client-id:')) clientId = line.slice(14).trim();
    else if (line.startsWith('drm-memory-') || line.startsWith('drm-total-') || line.startsWith('drm-resident-')) {
      const m = KEY.exec(line);
      if (!m) throw new Error(`${where} line ${i + 1}: expected "drm-<kind>-<region>: <number> [KiB|MiB]", got ${JSON.stringify(line)}`);
      const bytes = Number(m[3]) * UNIT[m[4] ?? '']!;
      const into = m[1] === 'resident' ? resident : m[1] === 'memory' ? memory : total;
      into[m[2]!] = bytes;
    }
  }
  if (!driver || clientId === null) return null;
  const regions: Record<string, number> = { ...total, ...memory, ...resident };
  return { pid, driver, pdev, clientId, regions };
}

/** True for a link into /dev/dri/ (card*, renderD*), as readlink shows it. */
const isDri = (target: string): boolean => target.startsWith('/dev/dri/');

/** Which fds of a process point into /dev/dri/, as far as the scan knows. */
interface FdMemo {
  /** fd name → whether its link points into /dev/dri/. */
  dri: Map<string, boolean>;
  /** Passes since the links were all read again. */
  age: number;
}

/**
 * Reads the DRM clients of processes. A link read costs tens of µs on a
 * busy machine (the kernel builds the path), and a process has dozens to
 * hundreds of fds, few of them DRM: so each fd's link is read once and
 * remembered by fd number, the fd list is read every pass (one getdents),
 * DRM fds have their fdinfo read every pass (an fd reused for a non-DRM
 * file has no drm- keys there and drops out), and every `relinkEvery`
 * passes a process's links are all read again (an fd number closed and
 * reopened on a DRM device in between is seen then, at the latest).
 */
export class DrmScanner {
  private readonly memo = new Map<number, FdMemo>();
  /** Link reads so far (tests and benchmarks). */
  links = 0;

  constructor(
    private readonly procRoot: string,
    private readonly onError?: (e: unknown) => void,
    private readonly relinkEvery = 10,
  ) {}

  /** One pass over these pids: their DRM clients, each (pdev, client-id) once, for the first pid that shows it. */
  scan(pids: readonly number[]): DrmClient[] {
    const seen = new Set<string>();
    const out: DrmClient[] = [];
    const wanted = new Set<number>();
    for (const pid of pids) {
      wanted.add(pid);
      const fdDir = path.join(this.procRoot, String(pid), 'fd');
      let fds: string[];
      try {
        fds = readdirSync(fdDir);
      } catch (e) {
        this.memo.delete(pid);
        const code = errnoOf(e);
        if (code !== 'ENOENT' && code !== 'ESRCH') this.onError?.(new Error(`${fdDir}: ${code ?? (e as Error).message}`));
        continue;
      }
      let m = this.memo.get(pid);
      if (!m || ++m.age >= this.relinkEvery) {
        m = { dri: new Map(), age: 0 };
        this.memo.set(pid, m);
      }
      const listed = new Set(fds);
      for (const fd of m.dri.keys()) if (!listed.has(fd)) m.dri.delete(fd);
      for (const fd of fds) {
        let dri = m.dri.get(fd);
        if (dri === undefined) {
          this.links++;
          try {
            dri = isDri(readlinkSync(path.join(fdDir, fd)));
          } catch {
            continue; // closed since the listing
          }
          m.dri.set(fd, dri);
        }
        if (!dri) continue;
        const c = this.client(pid, fd);
        if (!c) continue;
        const key = `${c.pdev}\0${c.clientId}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(c);
      }
    }
    for (const pid of this.memo.keys()) if (!wanted.has(pid)) this.memo.delete(pid);
    return out;
  }

  private client(pid: number, fd: string): DrmClient | null {
    const where = path.join(this.procRoot, String(pid), 'fdinfo', fd);
    try {
      const text = readSmall(where);
      return text === null ? null : parseDrmFdinfo(text, pid, where);
    } catch (e) {
      this.onError?.(e);
      return null;
    }
  }
}

/** One pass over the given pids with nothing remembered (every link read): `vigil fit`, tests. */
export function scanDrmClients(procRoot: string, pids: readonly number[], onError?: (e: unknown) => void): DrmClient[] {
  return new DrmScanner(procRoot, onError).scan(pids);
}

/** How often a machine without DRM devices is looked at again (a GPU added at run time, a driver loaded late). */
const DEVICES_RECHECK_MS = 60_000;

/** Whether sysfs lists a DRM card or render node: without one no process can hold a DRM fd. */
export function drmDevicesPresent(sysRoot: string): boolean {
  try {
    return readdirSync(path.join(sysRoot, 'class/drm')).some((n) => /^(?:card|renderD)\d+$/.test(n));
  } catch {
    return false;
  }
}

/**
 * The scan shared by the vendors that read fdinfo (amdgpu, i915, xe): the
 * first asks, the others get the same pass for the same pid list. On a
 * machine with no DRM device there is no pass at all: listing every
 * backend's fds each second would find nothing, and costs about a tenth of
 * an idle Vigil's CPU with 50 backends.
 */
export class DrmClientScan {
  private lastPids: readonly number[] | null = null;
  private last: DrmClient[] = [];
  private readonly scanner: DrmScanner;
  private devices = false;
  private devicesCheckedAt = Number.NEGATIVE_INFINITY;
  /** Passes made (tests). */
  passes = 0;

  constructor(
    procRoot: string,
    private readonly sysRoot: string,
    onError?: (e: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.scanner = new DrmScanner(procRoot, onError);
  }

  clients(pids: readonly number[]): DrmClient[] {
    if (pids !== this.lastPids) {
      this.lastPids = pids;
      if (!this.anyDevice()) return (this.last = []);
      this.passes++;
      this.last = this.scanner.scan(pids);
    }
    return this.last;
  }

  private anyDevice(): boolean {
    const t = this.now();
    if (t - this.devicesCheckedAt >= DEVICES_RECHECK_MS) {
      this.devicesCheckedAt = t;
      this.devices = drmDevicesPresent(this.sysRoot);
    }
    return this.devices;
  }
}

/** VRAM (the device's own memory) and GTT (host memory it maps) of a client, by region name across drivers. */
export function vramGtt(c: DrmClient): { vram: number; gtt: number } {
  let vram = 0;
  let gtt = 0;
  for (const region in c.regions) {
    const bytes = c.regions[region]!;
    // amdgpu: vram, gtt (cpu is evicted buffers, in neither); i915: local0…, system0; xe: vram0…, gtt.
    if (/^(?:vram|local)\d*$/.test(region)) vram += bytes;
    else if (/^(?:gtt|system\d*)$/.test(region)) gtt += bytes;
  }
  return { vram, gtt };
}

/** Card name per PCI address under sysRoot ('0000:c5:00.0' → 'card1'), from each card's uevent. */
export function cardsByPdev(sysRoot: string): Map<string, { card: string; vendor: string | null }> {
  const out = new Map<string, { card: string; vendor: string | null }>();
  const drm = path.join(sysRoot, 'class/drm');
  let names: string[];
  try {
    names = readdirSync(drm);
  } catch {
    return out;
  }
  for (const card of names.filter((n) => /^card\d+$/.test(n))) {
    const dev = path.join(drm, card, 'device');
    let uevent: string | null = null;
    try {
      uevent = readSmall(path.join(dev, 'uevent'));
    } catch {
      /* unreadable: try the link */
    }
    let pdev = /^PCI_SLOT_NAME=(.+)$/m.exec(uevent ?? '')?.[1]?.trim() ?? null;
    if (!pdev) {
      try {
        pdev = path.basename(readlinkSync(dev));
      } catch {
        continue;
      }
    }
    let vendor: string | null = null;
    try {
      vendor = readSmall(path.join(dev, 'vendor'))?.trim() ?? null;
    } catch {
      /* keep null */
    }
    out.set(pdev, { card, vendor });
  }
  return out;
}
