import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvmlLibrary, scriptNvml } from '../../../test-support/nvml/fake-nvml.js';
import { createGpuSources, type GpuSources } from './index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAKE_SMI = path.resolve(here, '../../../e2e/fixtures/bin/nvidia-smi');
const GiB = 2 ** 30;
let dir: string;
const made: GpuSources[] = [];
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-nvidia-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const g of made.splice(0)) g.close();
  delete process.env.VIGIL_FAKE_NVML_SCRIPT;
  delete process.env.VIGIL_FAKE_NVML_LOG;
});
const sources = (o: Parameters<typeof createGpuSources>[0], env: NodeJS.ProcessEnv = { PATH: '/nonexistent' }): GpuSources => {
  const g = createGpuSources({ procRoot: dir, sysRoot: dir, ...o }, env);
  made.push(g);
  return g;
};
const nvidia = (g: GpuSources): string => g.statuses().find((s) => s.name === 'nvidia')!.status;

describe('the NVIDIA source', () => {
  it('through NVML (VIGIL_NVML_LIBRARY): device memory with the driver’s free figure, and the use of the pids asked for', async () => {
    scriptNvml(path.join(dir, 's1'), {
      devices: [
        { name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-a', busId: '00000000:01:00.0', total: 24 * GiB, used: 20 * GiB, reserved: 0.5 * GiB },
        { name: 'NVIDIA GeForce RTX 3090', uuid: 'GPU-b', busId: '00000000:02:00.0', total: 24 * GiB, used: 3 * GiB },
      ],
      processes: [
        { device: 0, pid: 100, bytes: 9 * GiB },
        { device: 1, pid: 100, bytes: 3 * GiB },
        { device: 0, pid: 777, bytes: 10 * GiB }, // another user's game
        { device: 0, pid: 101, bytes: 'na' },
      ],
    });
    const g = sources({}, { VIGIL_NVML_LIBRARY: fakeNvmlLibrary(), PATH: '/nonexistent' });
    expect(nvidia(g)).toMatch(/^NVML \(.*libnvidia-ml\.so\.1; memory v2, processes nvmlDeviceGetComputeRunningProcesses_v3\)$/);
    const r = await g.read([100, 101]);
    expect(r.devices).toEqual([
      { id: 'nvidia0', vendor: 'nvidia', name: 'NVIDIA GeForce RTX 4090', pdev: '00000000:01:00.0', vramUsed: 20 * GiB, vramTotal: 24 * GiB, vramFree: 3.5 * GiB, gttUsed: null, gttTotal: null },
      { id: 'nvidia1', vendor: 'nvidia', name: 'NVIDIA GeForce RTX 3090', pdev: '00000000:02:00.0', vramUsed: 3 * GiB, vramTotal: 24 * GiB, vramFree: 21 * GiB, gttUsed: null, gttTotal: null },
    ]);
    expect(r.processes).toEqual([
      { pid: 100, device: 'nvidia0', vram: 9 * GiB, gtt: 0 },
      { pid: 100, device: 'nvidia1', vram: 3 * GiB, gtt: 0 },
    ]);
  });

  it('unified memory (GB10): NVML has no device memory, so the host’s figures stand in and the device says so', async () => {
    scriptNvml(path.join(dir, 's2'), { devices: [{ name: 'NVIDIA GB10', uuid: 'GPU-c', busId: '0000000F:01:00.0', total: 'unsupported', used: 0 }], processes: [{ device: 0, pid: 5, bytes: 'na' }] });
    const g = sources({ nvmlLibrary: fakeNvmlLibrary(), hostMemory: () => ({ total: 120 * GiB, available: 80 * GiB }) });
    const r = await g.read([5]);
    expect(r.devices).toEqual([
      expect.objectContaining({ id: 'nvidia0', name: 'NVIDIA GB10', unified: true, vramTotal: 120 * GiB, vramUsed: 40 * GiB, vramFree: 80 * GiB, note: expect.stringMatching(/unified memory/) }),
    ]);
    expect(r.processes).toEqual([]); // not available is not zero: left out
  });

  it('no driver: says "no NVIDIA driver" and reads nothing; nvidia-smi on PATH then gives device memory', async () => {
    const none = sources({ nvmlLibrary: path.join(dir, 'absent/libnvidia-ml.so.1') });
    expect(nvidia(none)).toMatch(/^no NVIDIA driver: .*absent\/libnvidia-ml\.so\.1 could not be loaded/);
    expect(await none.read([1])).toEqual({ devices: [], processes: [] });
    const smi = sources({ nvmlLibrary: path.join(dir, 'absent/libnvidia-ml.so.1') }, { PATH: `/nonexistent:${path.dirname(FAKE_SMI)}` });
    expect(nvidia(smi)).toMatch(/nvidia-smi at .*nvidia-smi for device memory \(no per-process use\)$/);
    expect((await smi.read([1])).devices.map((d) => d.id)).toEqual(['nvidia0', 'nvidia1']);
  });
});
