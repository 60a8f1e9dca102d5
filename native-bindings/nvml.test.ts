import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import koffi from 'koffi';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fakeNvmlLibrary, scriptNvml } from '../test-support/nvml/fake-nvml.js';
import { MEMORY_V1, MEMORY_V2, Nvml, NvmlError, PCI_INFO, PROCESS_INFO } from './nvml.js';

const GiB = 2 ** 30;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-nvml-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const opened: Nvml[] = [];
afterEach(() => {
  for (const n of opened.splice(0)) n.close();
  delete process.env.VIGIL_FAKE_NVML_SCRIPT;
  delete process.env.VIGIL_FAKE_NVML_LOG;
});
const open = (lib: string): Nvml => {
  const n = Nvml.open(lib);
  opened.push(n);
  return n;
};

describe('NVML binding against a stand-in libnvidia-ml.so.1', () => {
  it("reads its structs at the offsets a C compiler gives nvml.h's declarations", () => {
    const layout = koffi.load(fakeNvmlLibrary()).func('const char *fake_nvml_layout()')() as string;
    const facts = Object.fromEntries(layout.split(' ').map((kv) => kv.split('=')).map(([k, v]) => [k, Number(v)]));
    expect(facts).toEqual({
      memory: MEMORY_V1.size,
      memory_v2: MEMORY_V2.size,
      'v2.free': MEMORY_V2.free,
      process: PROCESS_INFO.v3,
      process_v2: PROCESS_INFO.v2,
      'process.usedGpuMemory': PROCESS_INFO.usedGpuMemory,
      pci: PCI_INFO.size,
      'pci.busId': PCI_INFO.busId,
    });
  });

  it('lists devices with names, uuids, PCI addresses and v2 memory (the reserve left out of used)', () => {
    scriptNvml(path.join(dir, 'two'), {
      devices: [
        { name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-1111', busId: '00000000:01:00.0', total: 24 * GiB, used: 10 * GiB, reserved: 0.5 * GiB },
        { name: 'NVIDIA RTX A6000', uuid: 'GPU-2222', busId: '00000000:41:00.0', total: 48 * GiB, used: 1 * GiB },
      ],
    });
    const n = open(fakeNvmlLibrary());
    expect(n.calls).toEqual({ memory: 'v2', processes: 'nvmlDeviceGetComputeRunningProcesses_v3' });
    expect(n.deviceCount()).toBe(2);
    const h = n.handle(0);
    expect(n.info(0, h)).toEqual({ index: 0, name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-1111', pciBusId: '00000000:01:00.0' });
    expect(n.memory(h)).toEqual({ total: 24 * GiB, used: 10 * GiB, free: 13.5 * GiB });
    expect(n.info(1, n.handle(1)).name).toBe('NVIDIA RTX A6000');
    expect(() => n.handle(5)).toThrow(NvmlError);
    expect(() => n.handle(5)).toThrow(/nvmlDeviceGetHandleByIndex_v2: Invalid Argument \(NVML error 2\)/);
  });

  it('falls back to nvmlDeviceGetMemoryInfo (v1: the reserve counted as used) on a driver without _v2', () => {
    scriptNvml(path.join(dir, 'v1'), { devices: [{ name: 'Old', uuid: 'GPU-3', busId: '00000000:02:00.0', total: 8 * GiB, used: 2 * GiB, reserved: 0.25 * GiB }] });
    const n = open(fakeNvmlLibrary('no-memory-v2'));
    expect(n.calls.memory).toBe('v1');
    expect(n.memory(n.handle(0))).toEqual({ total: 8 * GiB, used: 2.25 * GiB, free: 5.75 * GiB });
  });

  it('unified memory: NOT_SUPPORTED or NVML_VALUE_NOT_AVAILABLE reads as null, not as 16 EiB', () => {
    scriptNvml(path.join(dir, 'gb10'), {
      devices: [
        { name: 'NVIDIA GB10', uuid: 'GPU-4', busId: '0000000F:01:00.0', total: 'unsupported', used: 0 },
        { name: 'NA', uuid: 'GPU-5', busId: '0000000F:02:00.0', total: 'na', used: 0 },
      ],
    });
    const n = open(fakeNvmlLibrary());
    expect(n.memory(n.handle(0))).toBeNull();
    expect(n.memory(n.handle(1))).toBeNull();
  });

  it('process lists: count-0 sizing call, then the filled call; compute and graphics merged by pid; not-available kept as null', () => {
    const log = scriptNvml(path.join(dir, 'procs'), {
      devices: [{ name: 'G', uuid: 'GPU-6', busId: '00000000:01:00.0', total: 24 * GiB, used: 12 * GiB }],
      processes: [
        { device: 0, pid: 4242, bytes: 9 * GiB },
        { device: 0, pid: 4243, bytes: 2 * GiB },
        { device: 0, pid: 4244, bytes: 'na' },
        { device: 0, pid: 4243, bytes: 2 * GiB, graphics: true },
        { device: 0, pid: 5000, bytes: 300 * 2 ** 20, graphics: true },
      ],
    });
    const n = open(fakeNvmlLibrary());
    const ps = n.processes(n.handle(0)).sort((a, b) => a.pid - b.pid);
    expect(ps).toEqual([
      { pid: 4242, usedBytes: 9 * GiB },
      { pid: 4243, usedBytes: 2 * GiB },
      { pid: 4244, usedBytes: null },
      { pid: 5000, usedBytes: 300 * 2 ** 20 },
    ]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'nvmlDeviceGetComputeRunningProcesses_v3 count=0 infos=null -> 7 count=3',
      'nvmlDeviceGetComputeRunningProcesses_v3 count=7 infos=buffer -> 0 count=3',
      'nvmlDeviceGetGraphicsRunningProcesses_v3 count=0 infos=null -> 7 count=2',
      'nvmlDeviceGetGraphicsRunningProcesses_v3 count=6 infos=buffer -> 0 count=2',
    ]);
  });

  it('processes that appear between the sizing call and the filled one: asks again with room for them', () => {
    const log = scriptNvml(path.join(dir, 'race'), {
      devices: [{ name: 'G', uuid: 'GPU-7', busId: '00000000:01:00.0', total: 24 * GiB, used: 1 * GiB }],
      processes: [{ device: 0, pid: 10, bytes: GiB }],
      race: 9,
    });
    const n = open(fakeNvmlLibrary());
    expect(n.processes(n.handle(0)).filter((p) => p.pid === 10)).toEqual([{ pid: 10, usedBytes: GiB }]);
    const compute = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('nvmlDeviceGetCompute'));
    expect(compute).toEqual([
      'nvmlDeviceGetComputeRunningProcesses_v3 count=0 infos=null -> 7 count=1',
      'nvmlDeviceGetComputeRunningProcesses_v3 count=5 infos=buffer -> 7 count=10',
      'nvmlDeviceGetComputeRunningProcesses_v3 count=14 infos=buffer -> 0 count=1',
    ]);
  });

  it('no processes: the sizing call succeeds with 0 and nothing more is asked', () => {
    const log = scriptNvml(path.join(dir, 'none'), { devices: [{ name: 'G', uuid: 'GPU-8', busId: '00000000:01:00.0', total: GiB, used: 0 }] });
    const n = open(fakeNvmlLibrary());
    expect(n.processes(n.handle(0))).toEqual([]);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([
      'nvmlDeviceGetComputeRunningProcesses_v3 count=0 infos=null -> 0 count=0',
      'nvmlDeviceGetGraphicsRunningProcesses_v3 count=0 infos=null -> 0 count=0',
    ]);
  });

  it('an older library with only the _v2 process calls: 24-byte entries read at their stride', () => {
    scriptNvml(path.join(dir, 'p2'), {
      devices: [{ name: 'G', uuid: 'GPU-9', busId: '00000000:01:00.0', total: 24 * GiB, used: 1 * GiB }],
      processes: [1, 2, 3].map((i) => ({ device: 0, pid: 100 + i, bytes: i * GiB })),
    });
    const n = open(fakeNvmlLibrary('processes-v2'));
    expect(n.calls.processes).toBe('nvmlDeviceGetComputeRunningProcesses_v2');
    expect(n.processes(n.handle(0))).toEqual([1, 2, 3].map((i) => ({ pid: 100 + i, usedBytes: i * GiB })));
  });

  it('a missing library or a failing nvmlInit throws with what happened', () => {
    expect(() => Nvml.open(path.join(dir, 'nowhere/libnvidia-ml.so.1'))).toThrow(/nowhere\/libnvidia-ml\.so\.1/);
    scriptNvml(path.join(dir, 'noinit'), { devices: [], initError: 9 });
    expect(() => Nvml.open(fakeNvmlLibrary())).toThrow(/nvmlInit_v2: Driver Not Loaded \(NVML error 9\)/);
  });
});
