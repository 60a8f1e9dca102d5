// GPU sources: (a) one NVIDIA read through NVML (the stand-in
// libnvidia-ml.so.1 through the product's koffi binding: device count,
// memory and the process lists of every device) against spawning a
// stand-in nvidia-smi for device memory alone, in the same run; (b) a
// whole-machine DRM fdinfo pass (nvtop-class: 550 processes) over a fixture
// tree, against the naive pass that reads every fd's fdinfo instead of
// reading only those whose link points into /dev/dri/; and the same pass
// over this machine's real /proc.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createGpuSources } from '../electron/core/gpu/index.js';
import { DrmScanner, parseDrmFdinfo, scanDrmClients } from '../electron/core/gpu/drm-fdinfo.js';
import { readSmall } from '../electron/core/procfs/read.js';
import { amdgpuNew, amdgpuOld, DrmFixture, i915, plainFds } from '../test-support/gpu/drm-fixture.js';
import { fakeNvmlLibrary, scriptNvml } from '../test-support/nvml/fake-nvml.js';
import { fmt, nowNs, summarize, table, timeCalls } from './stats.js';

const run = promisify(execFile);
const GiB = 2 ** 30;

async function nvmlVersusSmi(dir: string): Promise<string> {
  scriptNvml(path.join(dir, 'script'), {
    devices: [0, 1].map((i) => ({ name: `NVIDIA GeForce RTX 4090 #${i}`, uuid: `GPU-${i}`, busId: `00000000:0${i + 1}:00.0`, total: 24 * GiB, used: 12 * GiB })),
    processes: Array.from({ length: 8 }, (_, i) => ({ device: i % 2, pid: 1000 + i, bytes: (i + 1) * GiB })),
  });
  const smi = path.join(dir, 'nvidia-smi');
  // The stand-in tool prints the answer and exits: a floor for the real one, which also starts NVML on every run.
  writeFileSync(smi, '#!/bin/sh\nprintf "0, NVIDIA GeForce RTX 4090, 12288, 24564\\n1, NVIDIA GeForce RTX 4090, 12288, 24564\\n"\n');
  chmodSync(smi, 0o755);
  const nvml = createGpuSources({ nvmlLibrary: fakeNvmlLibrary(), nvidiaSmi: null, procRoot: dir, sysRoot: dir });
  const viaSmi = createGpuSources({ nvmlLibrary: path.join(dir, 'absent.so'), nvidiaSmi: smi, procRoot: dir, sysRoot: dir });
  const pids = Array.from({ length: 8 }, (_, i) => 1000 + i);
  const N = 300;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 20; i++) {
    await nvml.read(pids);
    await viaSmi.read([]);
  }
  // Interleaved, so both see the same machine load.
  for (let i = 0; i < N; i++) {
    let t = nowNs();
    await nvml.read(pids);
    a.push((nowNs() - t) / 1e3);
    t = nowNs();
    await viaSmi.read([]);
    b.push((nowNs() - t) / 1e3);
  }
  nvml.close();
  viaSmi.close();
  const sa = summarize(a);
  const sb = summarize(b);
  // The spawn alone, to show what nvidia-smi costs before it does any work.
  const sh = summarize(await (async () => {
    const out: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = nowNs();
      await run('/bin/true');
      out.push((nowNs() - t) / 1e3);
    }
    return out;
  })());
  return [
    '### NVIDIA: NVML through koffi against spawning nvidia-smi',
    '',
    `2 devices, 8 processes; ${N} reads each, interleaved. NVML: the stand-in \`libnvidia-ml.so.1\` (test-support/nvml/fake-nvml.c) through the product's binding — device list (cached), \`nvmlDeviceGetMemoryInfo_v2\` and both process lists (count-0 sizing call, then the filled call) per device. nvidia-smi: a stand-in shell script that prints the CSV and exits (a floor: the real tool also loads and initialises NVML on every run, tens of ms), device memory only.`,
    '',
    table(['read', 'p50 µs', 'p99 µs', 'max µs'], [
      ['NVML: devices + memory + processes', fmt(sa.p50, 1), fmt(sa.p99, 1), fmt(sa.max, 1)],
      ['spawn stand-in nvidia-smi, parse CSV', fmt(sb.p50, 0), fmt(sb.p99, 0), fmt(sb.max, 0)],
      ['(spawn /bin/true alone)', fmt(sh.p50, 0), fmt(sh.p99, 0), fmt(sh.max, 0)],
    ]),
    '',
    `Ratio at p50: nvidia-smi / NVML = ${fmt(sb.p50 / sa.p50, 0)}×. The stand-in library answers from a small script file it re-reads on each call, so the NVML row is mostly file reads of the stand-in; a real driver's calls cost microseconds to a millisecond each (process lists are the slowest).`,
  ].join('\n');
}

async function fdinfoPass(dir: string): Promise<string> {
  const fx = new DrmFixture(path.join(dir, 'drm'));
  const APU = '0000:c5:00.0';
  fx.card({ card: 'card1', pdev: APU, vendor: '0x1002', memInfo: { vram_total: 512 * 2 ** 20, vram_used: 90 * 2 ** 20, gtt_total: 96 * GiB, gtt_used: 41 * GiB } });
  const PROCS = 550;
  const pids: number[] = [];
  let drmFds = 0;
  let fds = 0;
  for (let i = 0; i < PROCS; i++) {
    const pid = 1000 + i;
    pids.push(pid);
    // Most processes have a few dozen plain fds; one in ten is a GPU client (a desktop), a few hold many DRM fds.
    const plain = plainFds(0, 20 + (i % 40));
    const gpu = i % 10 === 0 ? [0, 1, 2].map((k) => ({ fd: 100 + k, target: `/dev/dri/renderD12${8 + (k % 2)}`, fdinfo: k === 2 ? i915({ pdev: '0000:00:02.0', client: i * 10 + k, systemKiB: 1024 }) : i % 20 === 0 ? amdgpuNew({ pdev: APU, client: i * 10 + k, vram: 2 ** 20, gtt: GiB }) : amdgpuOld({ pdev: APU, client: i * 10 + k, vramKiB: 1024, gttKiB: 4096 }) })) : [];
    fds += plain.length + gpu.length;
    drmFds += gpu.length;
    fx.process(pid, [...plain, ...gpu]);
  }
  // The naive pass: every fd's fdinfo read and parsed, whatever it points to.
  const naive = (): number => {
    let n = 0;
    for (const pid of pids) {
      const d = path.join(fx.proc, String(pid), 'fdinfo');
      for (const fd of readdirSync(d)) {
        const text = readSmall(path.join(d, fd));
        if (text && parseDrmFdinfo(text, pid, fd)) n++;
      }
    }
    return n;
  };
  const cold = (): number => scanDrmClients(fx.proc, pids).length;
  const scanner = new DrmScanner(fx.proc);
  const warm = (): number => scanner.scan(pids).length;
  if (cold() !== naive() || warm() !== naive()) throw new Error(`fdinfo bench: passes disagree (${cold()}, ${warm()} vs ${naive()})`);
  const ITER = 40;
  const sw = summarize(timeCalls(warm, ITER, 5).map((us) => us / 1000));
  const so = summarize(timeCalls(cold, ITER, 5).map((us) => us / 1000));
  const sn = summarize(timeCalls(naive, ITER, 5).map((us) => us / 1000));
  const sources = createGpuSources({ procRoot: fx.proc, sysRoot: fx.sys, nvmlLibrary: null, nvidiaSmi: null });
  const composed: number[] = [];
  for (let i = 0; i < ITER + 5; i++) {
    const t = nowNs();
    await sources.read([...pids]); // a new list each time: the shared pass is per read, not cached across reads
    if (i >= 5) composed.push((nowNs() - t) / 1e6);
  }
  const sc = summarize(composed);
  // This machine's own /proc: every pid, whatever it holds (no DRM devices here).
  const real = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
  const sr = summarize(timeCalls(() => scanDrmClients('/proc', real).length, ITER, 5).map((us) => us / 1000));
  const realScanner = new DrmScanner('/proc');
  const srw = summarize(timeCalls(() => realScanner.scan(real).length, ITER, 5).map((us) => us / 1000));
  return [
    '### DRM fdinfo: a whole-machine pass',
    '',
    `Fixture tree (test-support/gpu/drm-fixture.ts): ${PROCS} processes, ${fds} fds, ${drmFds} of them DRM (amdgpu before and after 6.8, i915), under /tmp (ext4 here); ${ITER} passes each. The naive pass reads and parses every fd's fdinfo. A cold pass reads every fd's link and only the DRM ones' fdinfo (what nvtop does). Vigil's pass (DrmScanner, as the sampler keeps it) remembers each fd's link by fd number: it lists each process's fds (one getdents) and reads the DRM fds' fdinfo; every 10th pass of a process reads its links again.`,
    '',
    table(['pass', 'p50 ms', 'p99 ms', 'max ms'], [
      [`Vigil (DrmScanner, links remembered), ${PROCS} processes`, fmt(sw.p50), fmt(sw.p99), fmt(sw.max)],
      [`cold pass (every link read), ${PROCS} processes`, fmt(so.p50), fmt(so.p99), fmt(so.max)],
      ['naive: every fdinfo read and parsed', fmt(sn.p50), fmt(sn.p99), fmt(sn.max)],
      ['createGpuSources().read (AMD sysfs + fdinfo for AMD and Intel, one pass shared)', fmt(sc.p50), fmt(sc.p99), fmt(sc.max)],
      [`this machine's /proc, all ${real.length} pids (no DRM fds), cold`, fmt(sr.p50), fmt(sr.p99), fmt(sr.max)],
      [`this machine's /proc, all ${real.length} pids, links remembered`, fmt(srw.p50), fmt(srw.p99), fmt(srw.max)],
    ]),
    '',
    `Ratios at p50: naive / Vigil = ${fmt(sn.p50 / sw.p50, 1)}×, cold / Vigil = ${fmt(so.p50 / sw.p50, 1)}×. Target (nvtop-class, 550 processes in under 10 ms): ${sw.p50 < 10 ? 'met' : 'not met'} at p50 on this machine at this load. In the product the pass covers only the backends' and watched servers' trees, not the whole machine.`,
  ].join('\n');
}

export default async function (): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-gpu-bench-'));
  try {
    const a = await nvmlVersusSmi(dir);
    const b = await fdinfoPass(dir);
    const load = loadavg().map((x) => x.toFixed(1)).join(' / ');
    return [a, '', b, '', `Load average at the end of the run (1 / 5 / 15 min): ${load} — the machine is shared, so absolute figures are upper bounds; the ratios compare runs under the same load.`, '', 'No GPU machine was lent to this work: both measure the product code against stand-ins (a C stand-in for NVML, fixture trees for fdinfo); on a real driver NVML calls and a real /proc with DRM clients cost more per call.'].join('\n');
  } finally {
    delete process.env.VIGIL_FAKE_NVML_SCRIPT;
    delete process.env.VIGIL_FAKE_NVML_LOG;
    rmSync(dir, { recursive: true, force: true });
  }
}
