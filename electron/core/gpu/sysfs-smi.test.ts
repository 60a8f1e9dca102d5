import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AmdGpuReader, readAmdGpus } from './amd-sysfs.js';
import { findOnPath, parseNvidiaCsv, readNvidiaGpus } from './nvidia-smi.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fx = (p: string): string => path.join(here, '../memory/fixtures', p);
const FAKE_SMI = path.resolve(here, '../../../e2e/fixtures/bin/nvidia-smi');

describe('amdgpu sysfs', () => {
  it('dGPU: reads VRAM and GTT, names it from product_name, skips other vendors and connectors', () => {
    expect(readAmdGpus(fx('sys-dgpu'))).toEqual([
      { id: 'card0', vendor: 'amd', name: 'AMD Radeon RX 7900 XTX', vramUsed: 21474836480, vramTotal: 25753026560, gttUsed: 52428800, gttTotal: 33554432000 },
    ]);
  });

  it('APU: small VRAM carve-out, large GTT; empty product_name falls back to the card', () => {
    const [g] = readAmdGpus(fx('sys-apu'));
    expect(g).toEqual({ id: 'card1', vendor: 'amd', name: 'card1', vramUsed: 402653184, vramTotal: 536870912, gttUsed: 68719476736, gttTotal: 103079215104 });
    expect(g!.gttTotal!).toBeGreaterThan(100 * g!.vramTotal);
  });

  it('no DRM class at all (this VM) → no GPUs', () => {
    expect(readAmdGpus(fx('proc-nopsi'))).toEqual([]);
  });

  it('AmdGpuReader re-reads usage every time but looks for cards only every N reads', () => {
    const sys = mkdtempSync(path.join(tmpdir(), 'vigil-sys-'));
    cpSync(fx('sys-dgpu'), sys, { recursive: true });
    const r = new AmdGpuReader(sys, 3);
    expect(r.read()[0]!.vramUsed).toBe(21474836480);
    const dev = path.join(sys, 'class/drm/card0/device');
    writeFileSync(path.join(dev, 'mem_info_vram_used'), '1000\n');
    writeFileSync(path.join(dev, 'product_name'), 'Renamed\n');
    expect(r.read()[0]).toMatchObject({ vramUsed: 1000, name: 'AMD Radeon RX 7900 XTX' }); // usage now, name from discovery
    // The card goes away: no figure (and no error) until the next discovery drops it.
    rmSync(path.join(dev, 'mem_info_vram_used'));
    expect(r.read()).toEqual([]);
    writeFileSync(path.join(dev, 'mem_info_vram_used'), '2000\n');
    expect(r.read()[0]).toMatchObject({ vramUsed: 2000, name: 'Renamed' }); // 4th read: rediscovered
    rmSync(sys, { recursive: true, force: true });
  });
});

describe('nvidia-smi', () => {
  afterEach(() => {
    delete process.env.FAKE_NVIDIA_SMI;
  });

  // The tool's own timeout (2 s) is for a real nvidia-smi; the fake one, a script, may start slower on a loaded machine.
  it('parses the fake tool output (MiB → bytes), names with commas kept', async () => {
    const gpus = await readNvidiaGpus(FAKE_SMI, 60_000);
    expect(gpus).toEqual([
      { id: 'nvidia0', vendor: 'nvidia', name: 'NVIDIA GeForce RTX 4090', vramUsed: 18432 * 2 ** 20, vramTotal: 24564 * 2 ** 20, gttUsed: null, gttTotal: null },
      { id: 'nvidia1', vendor: 'nvidia', name: 'NVIDIA RTX A6000', vramUsed: 512 * 2 ** 20, vramTotal: 49140 * 2 ** 20, gttUsed: null, gttTotal: null },
    ]);
    expect(parseNvidiaCsv('3, Tesla, Big, 100, 200\n')[0]).toMatchObject({ id: 'nvidia3', name: 'Tesla, Big' });
  });

  it('missing binary means no NVIDIA, silently', async () => {
    await expect(readNvidiaGpus('/nonexistent/nvidia-smi')).resolves.toEqual([]);
    expect(findOnPath('nvidia-smi', '/nonexistent:/also-not')).toBeNull();
    expect(findOnPath('nvidia-smi', `/nonexistent:${path.dirname(FAKE_SMI)}`)).toBe(FAKE_SMI);
  });

  it('a failing tool gives a one-line error with its exit code and first output line', async () => {
    process.env.FAKE_NVIDIA_SMI = 'fail';
    const err = await readNvidiaGpus(FAKE_SMI, 60_000).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/nvidia-smi failed \(exit 9\): NVIDIA-SMI has failed because it couldn't communicate/);
    expect((err as Error).message).not.toContain('\n');
  });

  it('a hung tool is killed at the timeout with a clear error', async () => {
    process.env.FAKE_NVIDIA_SMI = 'hang';
    const t0 = Date.now();
    const err = await readNvidiaGpus(FAKE_SMI, 500).catch((e: Error) => e);
    expect((err as Error).message).toBe(`${FAKE_SMI} timed out after 500 ms`);
    expect(Date.now() - t0).toBeLessThan(10_000); // bounded, not a speed claim
  });

  it('garbage output names the line', async () => {
    process.env.FAKE_NVIDIA_SMI = 'garbage';
    await expect(readNvidiaGpus(FAKE_SMI, 60_000)).rejects.toThrow(/nvidia-smi output line 1: expected "index, name, used, total"/);
  });
});
