// The pressure guard's reaction on the real kernel: from the moment a
// squeezed memory cgroup (test-support/guard/squeeze.ts: 600 MiB machine,
// 250 MiB desktop, Vigil inside it with two backends growing 20 MiB/s each)
// crosses the guard's MemAvailable floor to the SIGTERM the chosen backend
// receives. The crossing is the kernel's own usage-threshold notification,
// taken by this process (not Vigil) on the same cgroup; the SIGTERM time is
// written by the backend in its handler. Both are CLOCK_MONOTONIC
// (process.hrtime and Python's clock_gettime_ns).
// Vigil's way: woken by the cgroup's notifications (guard.wakeups: true),
// interval 500 ms as a backstop. The naive way: reading on a timer only, at
// the memory sampler's 1 s. `for: 0` in both: the reaction alone (a hold
// adds exactly its length).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onV1Event } from '../electron/core/cgroup/v1-event.js';
import { all, cgroupV1Memory, isRoot } from '../test-support/capabilities.js';
import { runSqueeze } from '../test-support/guard/squeeze.js';
import { fmt, summarize, table } from './stats.js';

const RUNS = Number(process.env.VIGIL_GUARD_BENCH_RUNS ?? 6);
const LIMIT_MIB = 600;
const FLOOR = 0.25;
const TARGET_MS = 2000;

async function reaction(wakeups: boolean, intervalMs: number): Promise<{ ms: number; oomKills: number; desktopAlive: boolean }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-guard-bench-'));
  const termFile = path.join(dir, 'term');
  let crossedNs: bigint | null = null;
  let stopNotice: (() => void) | null = null;
  try {
    const r = await runSqueeze('guard', {
      limitMiB: LIMIT_MIB,
      desktopMiB: 250,
      stepMiB: 4,
      stepMs: 200,
      memAvailableBelow: `${FLOOR * 100}%`,
      forMs: 0,
      wakeups,
      intervalMs,
      termFile,
      onRunning: (cg) => {
        stopNotice = onV1Event(cg, 'memory.usage_in_bytes', String(Math.floor(LIMIT_MIB * 2 ** 20 * (1 - FLOOR))), () => {
          crossedNs ??= process.hrtime.bigint();
        });
      },
    });
    const termNs = BigInt(readFileSync(termFile, 'utf8').trim());
    if (crossedNs === null) throw new Error('no crossing notice');
    return { ms: Number(termNs - crossedNs) / 1e6, oomKills: r.oomKills, desktopAlive: r.desktopAlive };
  } finally {
    (stopNotice as (() => void) | null)?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (): Promise<string> {
  const why = all(isRoot, cgroupV1Memory)();
  if (why) return `Skipped: ${why}.`;
  const ways = [
    { name: 'Vigil: cgroup v1 notifications (usage threshold, pressure level) + 500 ms interval', wakeups: true, interval: 500 },
    { name: 'naive: read every 1000 ms (the sampler’s pace), no notifications', wakeups: false, interval: 1000 },
  ];
  const results = new Map<string, { ms: number[]; kills: number; desktopKilled: number }>();
  // Interleaved, so a change in the machine's load touches both ways alike.
  for (let i = 0; i < RUNS; i++) {
    for (const w of ways) {
      const r = await reaction(w.wakeups, w.interval);
      const acc = results.get(w.name) ?? { ms: [], kills: 0, desktopKilled: 0 };
      acc.ms.push(r.ms);
      acc.kills += r.oomKills;
      acc.desktopKilled += r.desktopAlive ? 0 : 1;
      results.set(w.name, acc);
    }
  }
  const rows = ways.map((w) => {
    const r = results.get(w.name)!;
    const s = summarize(r.ms);
    return [w.name, String(r.ms.length), fmt(s.p50, 0), fmt(s.p99, 0), fmt(s.max, 0), String(r.kills), String(r.desktopKilled)];
  });
  const vigil = summarize(results.get(ways[0]!.name)!.ms);
  const naive = summarize(results.get(ways[1]!.name)!.ms);
  return [
    `Threshold crossing (the kernel's usage notification on the squeeze cgroup, MemAvailable of the ${LIMIT_MIB} MiB machine ≤ ${FLOOR * 100} %) → SIGTERM in the backend, ms. Load average during the run: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}.`,
    '',
    table(['way', 'runs', 'p50 ms', 'p99 ms', 'max ms', 'kernel OOM kills', 'desktop killed'], rows),
    '',
    `p50 ratio naive / Vigil: ${fmt(naive.p50 / vigil.p50, 1)}×. Target: ≤ ${TARGET_MS} ms from crossing — ${vigil.max <= TARGET_MS ? 'met' : 'MISSED'} (max ${fmt(vigil.max, 0)} ms). With the default \`guard.for: 2s\` the reaction is the hold plus these figures.`,
  ].join('\n');
}
