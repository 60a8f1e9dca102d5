import { describe, expect, it } from 'vitest';
import type { GpuMemory, MemoryBreakdown, SystemMemory } from '../../common/state.js';
import { backendMemoryMoved, systemMemoryMoved } from './publish.js';

const MIB = 1024 * 1024;
const mem = (over: Partial<MemoryBreakdown> = {}): MemoryBreakdown => ({ rss: 4000 * MIB, anon: 3000 * MIB, file: 1000 * MIB, shmem: 0, swap: 0, pss: 3900 * MIB, processes: 1, ...over });
const sys = (over: Partial<SystemMemory> = {}): SystemMemory => ({
  time: 1_000_000, memTotal: 24_000 * MIB, memAvailable: 20_000 * MIB, swapTotal: 0, swapFree: 0,
  psi: { someAvg10: 0, someAvg60: 0, fullAvg10: 0, fullAvg60: 0 }, ...over,
});
const gpu = (over: Partial<GpuMemory> = {}): GpuMemory => ({ id: 'card0', vendor: 'amd', name: 'gfx', vramUsed: 1000 * MIB, vramTotal: 8000 * MIB, gttUsed: 0, gttTotal: 12000 * MIB, ...over });

describe('backendMemoryMoved', () => {
  it('ignores drift below 1 MiB and half a percent; sees a real move, a new process, PSS arriving, appearing and vanishing', () => {
    expect(backendMemoryMoved(mem(), mem({ rss: 4000 * MIB + 900 * 1024, anon: 3000 * MIB - 512 * 1024 }))).toBe(false);
    expect(backendMemoryMoved(mem(), mem({ rss: 4000 * MIB + 15 * MIB }))).toBe(false); // 0.4 % of 4000 MiB
    expect(backendMemoryMoved(mem(), mem({ rss: 4000 * MIB + 25 * MIB }))).toBe(true);
    expect(backendMemoryMoved(mem({ shmem: 0 }), mem({ shmem: 2 * MIB }))).toBe(true); // small figure: the 1 MiB floor decides
    expect(backendMemoryMoved(mem(), mem({ processes: 2 }))).toBe(true);
    expect(backendMemoryMoved(mem({ pss: null }), mem())).toBe(true);
    expect(backendMemoryMoved(null, mem())).toBe(true);
    expect(backendMemoryMoved(mem(), null)).toBe(true);
    expect(backendMemoryMoved(null, null)).toBe(false);
  });
});

describe('systemMemoryMoved', () => {
  const at = (system: SystemMemory | null, gpus: GpuMemory[] = [gpu()]) => ({ system, gpus });
  it('ignores small drift, sees moves of MemAvailable, PSI and GPUs, and not the sample time alone', () => {
    const base = at(sys());
    expect(systemMemoryMoved(base, at(sys({ time: 1_001_000, memAvailable: 20_000 * MIB - 50 * MIB })))).toBe(false); // 0.2 % of MemTotal
    expect(systemMemoryMoved(base, at(sys({ time: 1_001_000, memAvailable: 20_000 * MIB - 200 * MIB })))).toBe(true);
    expect(systemMemoryMoved(base, at(sys({ time: 1_001_000, psi: { someAvg10: 0.05, someAvg60: 0, fullAvg10: 0, fullAvg60: 0 } })))).toBe(false);
    expect(systemMemoryMoved(base, at(sys({ time: 1_001_000, psi: { someAvg10: 0, someAvg60: 0, fullAvg10: 2.5, fullAvg60: 0 } })))).toBe(true);
    expect(systemMemoryMoved(base, at(sys({ time: 1_001_000 }), [gpu({ gttUsed: 3000 * MIB })]))).toBe(true);
    expect(systemMemoryMoved(base, at(sys({ time: 1_001_000 }), []))).toBe(true);
    expect(systemMemoryMoved(base, at(sys({ time: 1_000_000 + 3_600_000 })))).toBe(false);
    expect(systemMemoryMoved(at(null), at(sys()))).toBe(true);
    expect(systemMemoryMoved(at(null), at(null))).toBe(false);
  });
});
