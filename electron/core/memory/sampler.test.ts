import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/helpers.js';
import { SERIES } from '../../common/state.js';
import { fakeNvmlLibrary, scriptNvml } from '../../../test-support/nvml/fake-nvml.js';
import { listProcesses } from './processes.js';
import { MemorySampler, PSS_STILL_FACTOR, type MemorySample } from './sampler.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fx = (p: string): string => path.join(here, 'fixtures', p);
const FAKE_SMI = path.resolve(here, '../../../e2e/fixtures/bin/nvidia-smi');
const GiB = 2 ** 30;

const children: ChildProcess[] = [];
afterEach(() => {
  delete process.env.FAKE_NVIDIA_SMI;
  for (const c of children.splice(0)) {
    try {
      process.kill(-c.pid!, 'SIGKILL'); // the whole session's group
    } catch {
      /* gone */
    }
  }
});

describe('MemorySampler on fixtures', () => {
  it('combines system, amdgpu, nvidia and backend trees and records SERIES', async () => {
    const errors: Error[] = [];
    const samples: MemorySample[] = [];
    const s = new MemorySampler({
      procRoot: fx('proc-psi'),
      sysRoot: fx('sys-dgpu'),
      nvidiaSmi: FAKE_SMI,
      nvidiaTimeoutMs: 60_000, // the fake tool, a script, may start slowly on a loaded machine
      getBackends: () => [{ id: 'llama', pid: 100 }, { id: 'off', pid: null }, { id: 'gone', pid: 4242 }],
      onSample: (x) => samples.push(x),
      onError: (e) => errors.push(e),
    });
    const x = await s.sampleOnce(1_700_000_000_500);
    expect(errors).toEqual([]);
    expect(samples).toEqual([x]);
    expect(x.system?.memAvailable).toBe(4096000 * 1024);
    expect(x.gpus.map((g) => g.id)).toEqual(['card0', 'nvidia0', 'nvidia1']);
    expect(x.backends.llama).toMatchObject({ processes: 4, pids: [100, 101, 102, 103], rss: 4521000 * 1024, pss: 4408900 * 1024 });
    expect(x.backends.gone).toMatchObject({ processes: 0, rss: 0, pss: null });
    expect(Object.keys(x.backends)).toEqual(['llama', 'gone']);
    const h = s.history.export('hour');
    expect(h.t).toEqual([1_700_000_000]);
    expect(h.series[SERIES.backendRss('llama')]).toEqual([4521000 * 1024]);
    // A series that never had a value has no column; asked for by name it is all null.
    expect(h.series[SERIES.backendRss('gone')]).toBeUndefined();
    expect(s.history.export('hour', { series: [SERIES.backendRss('gone')] }).series).toEqual({ [SERIES.backendRss('gone')]: [null] });
    expect(h.series[SERIES.memUsed]).toEqual([(65536000 - 4096000) * 1024]);
    expect(h.series[SERIES.psiFullAvg10]).toEqual([7.75]);
    expect(h.series[SERIES.gpuGtt('card0')]).toEqual([52428800]);
    expect(h.series[SERIES.gpuVram('nvidia0')]).toEqual([18432 * 2 ** 20]);
  });

  it("a backend's GPU memory (NVML through the stand-in library), summed over its tree per device, into the sample and the charts' series", async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & sleep 30'], { detached: true, stdio: 'ignore' });
    children.push(child);
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-sampler-gpu-'));
    const devices = [
      { name: 'G0', uuid: 'GPU-0', busId: '00000000:01:00.0', total: 24 * GiB, used: 9 * GiB },
      { name: 'G1', uuid: 'GPU-1', busId: '00000000:02:00.0', total: 24 * GiB, used: 3 * GiB },
    ];
    try {
      scriptNvml(path.join(dir, 'script'), { devices });
      const s = new MemorySampler({ nvmlLibrary: fakeNvmlLibrary(), nvidiaSmi: null, getBackends: () => [{ id: 'llama', pid: child.pid! }] });
      let x = await s.sampleOnce();
      while (x.backends.llama!.processes < 3) x = await s.sampleOnce(); // the shell's children appear
      const [a, b] = x.backends.llama!.pids.filter((p) => p !== child.pid);
      scriptNvml(path.join(dir, 'script'), {
        devices,
        processes: [
          { device: 0, pid: child.pid!, bytes: 6 * GiB },
          { device: 0, pid: a!, bytes: 2 * GiB },
          { device: 1, pid: b!, bytes: 3 * GiB },
          { device: 1, pid: 1, bytes: GiB }, // not in the tree
        ],
      });
      x = await s.sampleOnce();
      expect(x.backends.llama!.gpu).toEqual([
        { device: 'nvidia0', vram: 8 * GiB, gtt: 0 },
        { device: 'nvidia1', vram: 3 * GiB, gtt: 0 },
      ]);
      const h = s.history.export('hour');
      expect(h.series[SERIES.backendGpu('llama', 'nvidia0', 'vram')]?.at(-1)).toBe(8 * GiB);
      expect(h.series[SERIES.backendGpu('llama', 'nvidia1', 'vram')]?.at(-1)).toBe(3 * GiB);
      s.stop();
    } finally {
      delete process.env.VIGIL_FAKE_NVML_SCRIPT;
      delete process.env.VIGIL_FAKE_NVML_LOG;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a failing nvidia-smi and a missing meminfo once each, never throws, keeps sampling', async () => {
    process.env.FAKE_NVIDIA_SMI = 'fail';
    const errors: string[] = [];
    const s = new MemorySampler({
      procRoot: fx('sys-apu'), // no meminfo here
      sysRoot: fx('sys-apu'),
      nvidiaSmi: FAKE_SMI,
      nvidiaTimeoutMs: 60_000, // the fake tool, a script, may start slowly on a loaded machine
      nvidiaRetryMs: 0,
      getBackends: () => [],
      onError: (e) => errors.push(e.message),
    });
    for (let i = 0; i < 3; i++) {
      const x = await s.sampleOnce();
      expect(x.system).toBeNull();
      expect(x.gpus.map((g) => g.id)).toEqual(['card1']);
    }
    expect(errors).toHaveLength(2);
    expect(errors.some((m) => /sys-apu\/meminfo: ENOENT/.test(m))).toBe(true);
    expect(errors.some((m) => /nvidia-smi failed \(exit 9\)/.test(m))).toBe(true);
  });

  it('reads PSS on the first tick, then each backend every N ticks, staggered', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'vigil-pss-'));
    cpSync(fx('proc-psi'), root, { recursive: true });
    const ids = ['a', 'b', 'c'];
    // Three backends over the same tree: only the tick that re-reads one can see a new figure.
    const s = new MemorySampler({ procRoot: root, nvidiaSmi: null, pssEveryN: 3, getBackends: () => ids.map((id) => ({ id, pid: 100 })) });
    const pss = (x: MemorySample): (number | null)[] => ids.map((id) => x.backends[id]!.pss);
    const first = pss(await s.sampleOnce());
    expect(first.every((p) => p === 4408900 * 1024)).toBe(true);
    const rollup = path.join(root, '100', 'smaps_rollup');
    writeFileSync(rollup, readFileSync(rollup, 'latin1').replace(/^Pss:\s+\d+/m, 'Pss: 4100001'));
    // RSS grew too (by 2 GB): a moved tree is re-read on its turn.
    const status = path.join(root, '100', 'status');
    writeFileSync(status, readFileSync(status, 'latin1').replace(/^VmRSS:\s+\d+/m, 'VmRSS:\t 6200000'));
    const grown = 4408901 * 1024;
    const old = first[0]!;
    expect(pss(await s.sampleOnce())).toEqual([old, old, grown]); // tick 1: c (1 + 2 ≡ 0 mod 3)
    expect(pss(await s.sampleOnce())).toEqual([old, grown, grown]); // tick 2: b
    expect(pss(await s.sampleOnce())).toEqual([grown, grown, grown]); // tick 3: a
    rmSync(root, { recursive: true, force: true });
  });

  it('skips the PSS turn of a tree whose RSS stood still, up to PSS_STILL_FACTOR turns', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'vigil-pss-'));
    cpSync(fx('proc-psi'), root, { recursive: true });
    const s = new MemorySampler({ procRoot: root, nvidiaSmi: null, pssEveryN: 2, getBackends: () => [{ id: 'a', pid: 100 }] });
    const first = (await s.sampleOnce()).backends.a!.pss;
    const rollup = path.join(root, '100', 'smaps_rollup');
    // Sharing changed (PSS moved) while RSS did not: seen only on the PSS_STILL_FACTORth turn.
    writeFileSync(rollup, readFileSync(rollup, 'latin1').replace(/^Pss:\s+\d+/m, 'Pss: 4000000'));
    const seen: (number | null)[] = [];
    for (let t = 1; t <= 2 * PSS_STILL_FACTOR; t++) seen.push((await s.sampleOnce()).backends.a!.pss);
    const changedAt = seen.findIndex((p) => p !== first) + 1;
    expect(changedAt).toBe(2 * PSS_STILL_FACTOR); // turns come on even ticks; the 10th turn reads
    // A tree that gains a process is re-read on its next turn.
    writeFileSync(rollup, readFileSync(rollup, 'latin1').replace(/^Pss:\s+\d+/m, 'Pss: 3000000'));
    const stat = readFileSync(path.join(root, '101', 'stat'), 'latin1');
    cpSync(path.join(root, '101'), path.join(root, '104'), { recursive: true });
    writeFileSync(path.join(root, '104', 'stat'), stat.replace(/^101 /, '104 '));
    await s.sampleOnce(); // tick 21: not a turn
    const after = await s.sampleOnce(); // tick 22: a turn, and the tree changed
    expect(after.backends.a!.processes).toBe(5);
    expect(after.backends.a!.pss).not.toBe(seen.at(-1));
    rmSync(root, { recursive: true, force: true });
  });

  it('the timer samples repeatedly and stop() ends it', async () => {
    let n = 0;
    const s = new MemorySampler({ intervalMs: 50, nvidiaSmi: null, getBackends: () => [], onSample: () => n++ });
    s.start();
    await waitFor(() => n >= 3, 30_000, 'three samples');
    s.stop();
    const seen = n;
    // Four turns of a timer of the same period: a sampler timer still running would have fired meanwhile.
    await new Promise<void>((r) => {
      let k = 0;
      const t = setInterval(() => {
        if (++k < 4) return;
        clearInterval(t);
        r();
      }, 50);
    });
    expect(n).toBe(seen);
  });
});

describe('MemorySampler on a live process tree', () => {
  it("sums the session of `sh -c 'sleep 30 & sleep 30'`: 3 processes, RSS > 0, PSS on the first tick", async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & sleep 30'], { detached: true, stdio: 'ignore' });
    children.push(child);
    const pid = child.pid!;
    // Wait for both sleeps to exist (sh forks them right after start).
    await waitFor(() => listProcesses().treeOf(pid).length >= 3, 30_000, 'both sleeps');
    const errors: Error[] = [];
    const s = new MemorySampler({ nvidiaSmi: null, pssEveryN: 2, getBackends: () => [{ id: 'sh', pid }], onError: (e) => errors.push(e) });
    const first = await s.sampleOnce();
    const b = first.backends.sh!;
    expect(b.processes).toBe(3);
    expect(b.pids[0]).toBe(pid);
    expect(b.rss).toBeGreaterThan(0);
    expect(b.anon + b.file + b.shmem).toBe(b.rss);
    expect(b.pss).toBeGreaterThan(0);
    expect(b.pss!).toBeLessThanOrEqual(b.rss);
    expect(errors).toEqual([]);

    // Kill one sleep: the next tick sees 2 processes.
    const victim = b.pids[1]!;
    process.kill(victim, 'SIGKILL');
    await waitFor(() => !listProcesses().treeOf(pid).includes(victim), 30_000, 'the victim to leave the tree');
    // Waited until sh reaped it (a zombie would still be listed, with no memory).
    const second = await s.sampleOnce();
    expect(second.backends.sh!.pids).not.toContain(victim);
    expect(second.backends.sh!.processes).toBe(2);
  });
});
