// procfs/sysfs trees for the DRM fdinfo reader, in the formats the kernel
// documents (Documentation/gpu/drm-usage-stats.rst) and as real machines
// print them: amdgpu before 6.x (drm-memory-* only, "KiB" after a space and
// a tab), amdgpu 6.x (drm-total/shared/resident/purgeable/active-* beside
// the old keys), i915 (system0/local0 regions) and xe (vram0/gtt).
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface FixtureFd {
  fd: number;
  /** What /proc/PID/fd/FD links to ('/dev/dri/renderD128', 'socket:[123]', '/tmp/x'). */
  target: string;
  /** /proc/PID/fdinfo/FD; absent: none written. */
  fdinfo?: string;
}

export interface FixtureCard {
  card: string;
  pdev: string;
  vendor: string;
  /** amdgpu mem_info_* files, bytes. */
  memInfo?: Record<string, number>;
  product?: string;
}

const header = (fd: number): string => `pos:\t0\nflags:\t02100002\nmnt_id:\t24\nino:\t${1000 + fd}\n`;

/** amdgpu as kernels 5.19–6.7 print it: the drm-memory-* keys only. */
export function amdgpuOld(o: { pdev: string; client: number; vramKiB: number; gttKiB: number; cpuKiB?: number }): string {
  return `drm-driver:\tamdgpu\ndrm-pdev:\t${o.pdev}\ndrm-client-id:\t${o.client}\npasid:\t32770\ndrm-memory-vram:\t${o.vramKiB} KiB\ndrm-memory-gtt: \t${o.gttKiB} KiB\ndrm-memory-cpu: \t${o.cpuKiB ?? 0} KiB\namd-memory-visible-vram:\t${o.vramKiB} KiB\namd-evicted-vram:\t0 KiB\namd-requested-vram:\t${o.vramKiB} KiB\ndrm-engine-gfx:\t1834719 ns\n`;
}

/** amdgpu as kernel 6.8+ prints it: drm-total/shared/active/resident/purgeable-<region> beside the old keys. */
export function amdgpuNew(o: { pdev: string; client: number; vram: number; gtt: number; cpu?: number; unit?: 'KiB' | 'MiB' | '' }): string {
  const unit = o.unit ?? 'KiB';
  const div = unit === 'KiB' ? 1024 : unit === 'MiB' ? 1024 * 1024 : 1;
  const v = (bytes: number): string => `${Math.round(bytes / div)}${unit ? ` ${unit}` : ''}`;
  const region = (name: string, bytes: number): string =>
    `drm-total-${name}:\t${v(bytes)}\ndrm-shared-${name}:\t0\ndrm-active-${name}:\t0\ndrm-resident-${name}:\t${v(bytes)}\ndrm-purgeable-${name}:\t0\n`;
  return (
    `drm-driver:\tamdgpu\ndrm-client-id:\t${o.client}\ndrm-pdev:\t${o.pdev}\npasid:\t32787\n` +
    region('cpu', o.cpu ?? 0) +
    region('gtt', o.gtt) +
    region('vram', o.vram) +
    `drm-memory-vram:\t${Math.round(o.vram / 1024)} KiB\ndrm-memory-gtt: \t${Math.round(o.gtt / 1024)} KiB\ndrm-memory-cpu: \t${Math.round((o.cpu ?? 0) / 1024)} KiB\n` +
    `amd-memory-visible-vram:\t0 KiB\namd-evicted-vram:\t0 KiB\ndrm-engine-gfx:\t99120 ns\ndrm-engine-compute:\t7733921 ns\n`
  );
}

/** i915 (kernel 6.8+): per region totals, system memory as system0, a discrete card's memory as local0. */
export function i915(o: { pdev: string; client: number; systemKiB: number; localKiB?: number }): string {
  let s = `drm-driver:\ti915\ndrm-client-id:\t${o.client}\ndrm-pdev:\t${o.pdev}\n`;
  s += `drm-total-system0:\t${o.systemKiB} KiB\ndrm-shared-system0:\t0\ndrm-active-system0:\t0\ndrm-resident-system0:\t${o.systemKiB} KiB\ndrm-purgeable-system0:\t0\n`;
  s += `drm-total-stolen-system0:\t0\ndrm-resident-stolen-system0:\t0\n`;
  if (o.localKiB !== undefined) s += `drm-total-local0:\t${o.localKiB} KiB\ndrm-resident-local0:\t${o.localKiB} KiB\n`;
  return `${s}drm-engine-render:\t25662044495 ns\ndrm-engine-copy:\t0 ns\ndrm-engine-video:\t0 ns\ndrm-engine-capacity-video:\t2\n`;
}

/** xe: vram0 and gtt regions, bare bytes as the kernel prints sizes below 1 KiB-multiples. */
export function xe(o: { pdev: string; client: number; vram: number; gtt: number }): string {
  return `drm-driver:\txe\ndrm-client-id:\t${o.client}\ndrm-pdev:\t${o.pdev}\ndrm-total-gtt:\t${o.gtt}\ndrm-resident-gtt:\t${o.gtt}\ndrm-total-vram0:\t${o.vram}\ndrm-resident-vram0:\t${o.vram}\ndrm-cycles-rcs:\t28257900\ndrm-total-cycles-rcs:\t7655183225\n`;
}

export class DrmFixture {
  readonly proc: string;
  readonly sys: string;

  constructor(readonly root: string) {
    this.proc = path.join(root, 'proc');
    this.sys = path.join(root, 'sys');
    mkdirSync(this.proc, { recursive: true });
    mkdirSync(path.join(this.sys, 'class/drm'), { recursive: true });
  }

  card(c: FixtureCard): this {
    const dev = path.join(this.sys, 'class/drm', c.card, 'device');
    mkdirSync(dev, { recursive: true });
    writeFileSync(path.join(dev, 'vendor'), `${c.vendor}\n`);
    writeFileSync(path.join(dev, 'uevent'), `DRIVER=${c.vendor === '0x1002' ? 'amdgpu' : 'i915'}\nPCI_CLASS=30000\nPCI_SLOT_NAME=${c.pdev}\n`);
    if (c.product) writeFileSync(path.join(dev, 'product_name'), `${c.product}\n`);
    for (const [k, v] of Object.entries(c.memInfo ?? {})) writeFileSync(path.join(dev, `mem_info_${k}`), `${v}\n`);
    return this;
  }

  process(pid: number, fds: FixtureFd[]): this {
    const fdDir = path.join(this.proc, String(pid), 'fd');
    const infoDir = path.join(this.proc, String(pid), 'fdinfo');
    mkdirSync(fdDir, { recursive: true });
    mkdirSync(infoDir, { recursive: true });
    for (const f of fds) {
      // Every /dev/dri node has its entry in sysfs (a render node's has no PCI card map of its own).
      const node = /^\/dev\/dri\/((?:card|renderD)\d+)$/.exec(f.target)?.[1];
      if (node) mkdirSync(path.join(this.sys, 'class/drm', node), { recursive: true });
      symlinkSync(f.target, path.join(fdDir, String(f.fd)));
      writeFileSync(path.join(infoDir, String(f.fd)), header(f.fd) + (f.fdinfo ?? ''));
    }
    return this;
  }
}

/** Ordinary fds of a process: stdio, sockets, a log file, an mmap'ed model. */
export function plainFds(from: number, n: number): FixtureFd[] {
  const out: FixtureFd[] = [];
  for (let i = 0; i < n; i++) {
    const fd = from + i;
    out.push({ fd, target: i % 3 === 0 ? `socket:[${40000 + fd}]` : i % 3 === 1 ? 'anon_inode:[eventfd]' : `/var/log/app-${fd}.log` });
  }
  return out;
}
