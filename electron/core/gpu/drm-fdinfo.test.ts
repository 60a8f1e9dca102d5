import { mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { amdgpuNew, amdgpuOld, DrmFixture, i915, plainFds, xe } from '../../../test-support/gpu/drm-fixture.js';
import { DrmClientScan, DrmScanner, drmDevicesPresent, parseDrmFdinfo, scanDrmClients, vramGtt } from './drm-fdinfo.js';
import { createGpuSources } from './index.js';

const KiB = 1024;
const MiB = 1024 ** 2;
const GiB = 1024 ** 3;
const APU = '0000:c5:00.0';
const DGPU = '0000:03:00.0';
const IGPU = '0000:00:02.0';

let root: string;
let fx: DrmFixture;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'vigil-drm-'));
  fx = new DrmFixture(root);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('parseDrmFdinfo', () => {
  it('amdgpu before 6.8: drm-memory-* in KiB (with the space before the tab)', () => {
    const c = parseDrmFdinfo(amdgpuOld({ pdev: DGPU, client: 4, vramKiB: 16300, gttKiB: 2048 }), 1, 'x');
    expect(c).toEqual({ pid: 1, driver: 'amdgpu', pdev: DGPU, clientId: '4', regions: { vram: 16300 * KiB, gtt: 2048 * KiB, cpu: 0 } });
  });

  it('amdgpu 6.8+: drm-resident-* wins over drm-memory-* and drm-total-*; MiB and bare bytes are units too', () => {
    for (const unit of ['KiB', 'MiB', ''] as const) {
      const c = parseDrmFdinfo(amdgpuNew({ pdev: APU, client: 61, vram: 4 * MiB, gtt: 40 * GiB, unit }), 7, 'x');
      expect(vramGtt(c!)).toEqual({ vram: 4 * MiB, gtt: 40 * GiB });
    }
  });

  it('i915: system0 is GTT (host memory the GPU maps), local0 is VRAM; xe: vram0 and gtt in bytes', () => {
    expect(vramGtt(parseDrmFdinfo(i915({ pdev: IGPU, client: 5, systemKiB: 5032, localKiB: 1024 }), 1, 'x')!)).toEqual({ vram: MiB, gtt: 5032 * KiB });
    expect(vramGtt(parseDrmFdinfo(xe({ pdev: IGPU, client: 3, vram: 123456, gtt: 4096 }), 1, 'x')!)).toEqual({ vram: 123456, gtt: 4096 });
  });

  it('a KMS-only fd (no drm-client-id) is no client; a malformed size names the file and line', () => {
    expect(parseDrmFdinfo('pos:\t0\ndrm-driver:\tamdgpu\n', 1, 'x')).toBeNull();
    expect(() => parseDrmFdinfo('drm-driver:\tamdgpu\ndrm-client-id:\t1\ndrm-memory-vram:\tlots KiB\n', 1, '/proc/1/fdinfo/9')).toThrow(
      '/proc/1/fdinfo/9 line 3: expected "drm-<kind>-<region>: <number> [KiB|MiB]", got "drm-memory-vram:\\tlots KiB"',
    );
  });
});

describe('DRM fdinfo on fixture trees', () => {
  it('an APU (Strix Halo): a 512 MiB VRAM carve-out, the model in GTT; the backend holds 40 GiB outside its RSS', async () => {
    fx.card({ card: 'card1', pdev: APU, vendor: '0x1002', product: 'AMD Radeon 8060S', memInfo: { vram_total: 512 * MiB, vram_used: 90 * MiB, gtt_total: 96 * GiB, gtt_used: 41 * GiB, vis_vram_total: 512 * MiB, vis_vram_used: 90 * MiB } })
      .process(100, [...plainFds(0, 8), { fd: 9, target: '/dev/dri/renderD128', fdinfo: amdgpuNew({ pdev: APU, client: 61, vram: 5 * MiB, gtt: 40 * GiB }) }])
      .process(101, [...plainFds(0, 3), { fd: 3, target: '/dev/dri/card1', fdinfo: 'drm-driver:\tamdgpu\ndrm-pdev:\t0000:c5:00.0\n' }]);
    const gpu = createGpuSources({ procRoot: fx.proc, sysRoot: fx.sys, nvmlLibrary: null, nvidiaSmi: null });
    const r = await gpu.read([100, 101]);
    expect(r.devices).toEqual([{ id: 'card1', vendor: 'amd', name: 'AMD Radeon 8060S', vramUsed: 90 * MiB, vramTotal: 512 * MiB, gttUsed: 41 * GiB, gttTotal: 96 * GiB, visVram: { used: 90 * MiB, total: 512 * MiB } }]);
    expect(r.processes).toEqual([{ pid: 100, device: 'card1', vram: 5 * MiB, gtt: 40 * GiB }]);
  });

  it('two processes sharing one client (fork, fd passing): counted once, for the first pid', () => {
    const fdinfo = amdgpuOld({ pdev: DGPU, client: 7, vramKiB: 8 * 1024 * 1024, gttKiB: 1024 });
    fx.process(200, [{ fd: 5, target: '/dev/dri/renderD128', fdinfo }]).process(201, [{ fd: 5, target: '/dev/dri/renderD128', fdinfo }]);
    const clients = scanDrmClients(fx.proc, [200, 201]);
    expect(clients.map((c) => [c.pid, c.clientId])).toEqual([[200, '7']]);
  });

  it('a process with many fds, a few of them DRM: dup()ed fds of one client count once, distinct clients each once', () => {
    const c = (client: number, gib: number): string => amdgpuOld({ pdev: DGPU, client, vramKiB: gib * 1024 * 1024, gttKiB: 0 });
    fx.process(300, [
      ...plainFds(0, 200),
      { fd: 200, target: '/dev/dri/renderD128', fdinfo: c(9, 2) },
      { fd: 201, target: '/dev/dri/renderD128', fdinfo: c(9, 2) },
      { fd: 202, target: '/dev/dri/renderD128', fdinfo: c(10, 3) },
      { fd: 203, target: '/dev/dri/renderD129', fdinfo: c(11, 1) },
    ]);
    const clients = scanDrmClients(fx.proc, [300]);
    expect(clients.map((x) => x.clientId).sort()).toEqual(['10', '11', '9']);
    expect(clients.reduce((n, x) => n + vramGtt(x).vram, 0)).toBe(6 * GiB);
  });

  it('Intel: per-process use on the card its PCI address names; no device totals', async () => {
    fx.card({ card: 'card0', pdev: IGPU, vendor: '0x8086' }).process(400, [{ fd: 4, target: '/dev/dri/renderD128', fdinfo: i915({ pdev: IGPU, client: 5, systemKiB: 2 * 1024 * 1024 }) }]);
    const gpu = createGpuSources({ procRoot: fx.proc, sysRoot: fx.sys, nvmlLibrary: null, nvidiaSmi: null });
    const r = await gpu.read([400]);
    expect(r.devices).toEqual([]);
    expect(r.processes).toEqual([{ pid: 400, device: 'card0', vram: 0, gtt: 2 * GiB }]);
  });

  it('a vanished pid is skipped; a malformed fdinfo is reported and the other fds still count', () => {
    fx.process(500, [
      { fd: 3, target: '/dev/dri/renderD128', fdinfo: 'drm-driver:\tamdgpu\ndrm-client-id:\t1\ndrm-pdev:\t0000:03:00.0\ndrm-memory-vram:\t12 bananas\n' },
      { fd: 4, target: '/dev/dri/renderD128', fdinfo: amdgpuOld({ pdev: DGPU, client: 2, vramKiB: 1024, gttKiB: 0 }) },
    ]);
    const errors: string[] = [];
    const clients = scanDrmClients(fx.proc, [499, 500], (e) => errors.push((e as Error).message));
    expect(clients.map((c) => c.clientId)).toEqual(['2']);
    expect(errors).toEqual([expect.stringMatching(/proc\/500\/fdinfo\/3 line \d+: expected/)]);
  });

  it('a process with an AMD and an Intel client: each counted on its own device (the PCI address when sysfs lists no card)', async () => {
    fx.process(600, [
      { fd: 3, target: '/dev/dri/renderD128', fdinfo: amdgpuOld({ pdev: DGPU, client: 1, vramKiB: 1024, gttKiB: 0 }) },
      { fd: 4, target: '/dev/dri/renderD129', fdinfo: xe({ pdev: IGPU, client: 1, vram: 0, gtt: 8192 }) },
    ]);
    const gpu = createGpuSources({ procRoot: fx.proc, sysRoot: fx.sys, nvmlLibrary: null, nvidiaSmi: null });
    const r = await gpu.read([600]);
    expect(r.processes.map((p) => [p.device, p.vram, p.gtt])).toEqual([
      [DGPU, MiB, 0],
      [IGPU, 0, 8192],
    ]);
  });

  it('a machine with no DRM device in sysfs: no fd is listed or read; a device that appears is seen within a minute', () => {
    const bare = new DrmFixture(path.join(root, 'bare'));
    const fds = [...plainFds(0, 20), { fd: 20, target: '/dev/dri/renderD128', fdinfo: amdgpuOld({ pdev: DGPU, client: 1, vramKiB: 1024, gttKiB: 0 }) }];
    bare.process(800, fds);
    // The process's DRM fd made its node; a machine without one has an empty class/drm.
    rmSync(path.join(bare.sys, 'class/drm/renderD128'), { recursive: true });
    let now = 0;
    const scan = new DrmClientScan(bare.proc, bare.sys, undefined, () => now);
    expect(scan.clients([800])).toEqual([]);
    expect(scan.clients([800, 801])).toEqual([]);
    expect(scan.passes).toBe(0);
    // A GPU added at run time: its node in sysfs; read on the first call a minute after the last look.
    mkdirSync(path.join(bare.sys, 'class/drm/renderD128'));
    now = 59_999;
    expect(scan.clients([800])).toEqual([]);
    now = 60_000;
    expect(scan.clients([800, 900]).map((c) => [c.pid, c.driver])).toEqual([[800, 'amdgpu']]);
    expect(scan.passes).toBe(1);
    expect(drmDevicesPresent(bare.sys)).toBe(true);
    expect(drmDevicesPresent(path.join(root, 'no-such-sys'))).toBe(false);
  });

  it('reads each fd link once: later passes list the fds and read only the DRM ones; a reused fd number is read again within relinkEvery passes', () => {
    const c = (client: number): string => amdgpuOld({ pdev: DGPU, client, vramKiB: 1024, gttKiB: 0 });
    fx.process(700, [...plainFds(0, 50), { fd: 50, target: '/dev/dri/renderD128', fdinfo: c(1) }]);
    const s = new DrmScanner(fx.proc, undefined, 3);
    expect(s.scan([700]).map((x) => x.clientId)).toEqual(['1']);
    expect(s.links).toBe(51);
    expect(s.scan([700]).map((x) => x.clientId)).toEqual(['1']);
    expect(s.links).toBe(51); // nothing read again
    // A new fd: its link is read at once.
    symlinkSync('/dev/dri/renderD128', path.join(fx.proc, '700/fd/51'));
    writeFileSync(path.join(fx.proc, '700/fdinfo/51'), c(2));
    expect(s.scan([700]).map((x) => x.clientId).sort()).toEqual(['1', '2']);
    expect(s.links).toBe(52);
    // fd 3 closed and reopened on the GPU under the same number: seen when the links are read again.
    unlinkSync(path.join(fx.proc, '700/fd/3'));
    symlinkSync('/dev/dri/renderD129', path.join(fx.proc, '700/fd/3'));
    writeFileSync(path.join(fx.proc, '700/fdinfo/3'), c(3));
    let passes = 0;
    while (!s.scan([700]).some((x) => x.clientId === '3')) passes++;
    expect(passes).toBeLessThan(3);
  });
});
