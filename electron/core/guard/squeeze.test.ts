// The proof on the real kernel, three runs side by side: a memory cgroup
// stands in for the machine (600 MiB, no swap past it), a "desktop" stand-in
// holds 250 MiB of it, and Vigil runs inside it with two backends that grow
// 20 MiB/s each, their cgroups beneath Vigil's (test-support/guard/squeeze.ts).
//   none     — the kernel's memcg OOM killer picks by size: the desktop;
//   priority — oom.scoreAdj 500: the kernel takes a backend, never the desktop;
//   guard    — Vigil stops the lowest-priority backend before any kernel kill.
// cgroup v1 has no per-cgroup PSI: the guard judges MemAvailable of the
// limited machine (its limit less what is charged) and is woken by the
// cgroup's usage threshold and memory.pressure_level notifications.
import { expect } from 'vitest';
import { all, cgroupV1Memory, isRoot, itPrivileged } from '../../../test-support/privileged.js';
import { runSqueeze, type SqueezeOptions, type SqueezeResult } from '../../../test-support/guard/squeeze.js';

const OPTS: SqueezeOptions = { limitMiB: 600, desktopMiB: 250, stepMiB: 4, stepMs: 200, memAvailableBelow: '25%', forMs: 200, timeoutMs: 120_000 };

const row = (r: SqueezeResult): string =>
  `${r.mode.padEnd(9)}| kernel OOM kills ${String(r.oomKills).padEnd(3)}| took ${(r.killed.map((k) => k.role).join(', ') || 'nothing').padEnd(18)}| desktop ${r.desktopAlive ? 'alive' : 'KILLED'} | oom_score_adj ${JSON.stringify(r.scoreAdj)} | guard: ${r.guardEvents[0]?.reason ?? '—'}`;

itPrivileged('a squeeze: by size the kernel takes the desktop; with kill priority a backend; with the guard Vigil sheds one first', all(isRoot, cgroupV1Memory), async () => {
  const none = await runSqueeze('none', OPTS);
  const priority = await runSqueeze('priority', OPTS);
  const guard = await runSqueeze('guard', OPTS);
  console.log(['squeeze runs (600 MiB machine, 250 MiB desktop, two backends growing 20 MiB/s each):', row(none), row(priority), row(guard)].join('\n'));

  // Every backend's cgroup is beneath the limited cgroup Vigil runs in.
  for (const r of [none, priority, guard]) for (const p of Object.values(r.cgroups)) expect(p?.startsWith(`${r.machine}/vigil/`)).toBe(true);

  // Neither feature: the kernel picked by size — the desktop stand-in.
  expect(none.scoreAdj).toEqual({ 'chat-big': 0, embed: 0 });
  expect(none.oomKills).toBeGreaterThan(0);
  expect(none.killed.map((k) => k.role)).toEqual(['desktop']);
  expect(none.desktopAlive).toBe(false);

  // Kill priority: the kernel took a backend, never the larger desktop.
  expect(priority.scoreAdj).toEqual({ 'chat-big': 500, embed: 500 });
  expect(priority.oomKills).toBeGreaterThan(0);
  expect(priority.killed.length).toBeGreaterThan(0);
  expect(priority.killed.every((k) => k.role === 'chat-big' || k.role === 'embed')).toBe(true);
  expect(priority.desktopAlive).toBe(true);

  // The guard: no kernel kill at all; the lowest-priority backend stopped, with the figures.
  expect(guard.oomKills).toBe(0);
  expect(guard.desktopAlive).toBe(true);
  expect(guard.killed).toEqual([]);
  const shed = guard.guardEvents.find((e) => e.backend !== null)!;
  expect(shed.backend).toBe('chat-big');
  expect(shed.reason).toMatch(/^for \d+(\.\d)? s, MemAvailable \d+(\.\d)? MiB \(\d+\.\d % of 600 MiB\): stopped chat-big to keep the desktop alive \(the machine is the memory cgroup \/sys\/fs\/cgroup\/memory\/vigil-squeeze-/);
  expect(shed.details).toMatchObject({ action: 'stopped', priority: 10, machine: guard.machine });
  const timeline = guard.ooms.filter((k) => k.killer === 'vigil');
  expect(timeline).toHaveLength(1);
  expect(timeline[0]).toMatchObject({ backend: 'chat-big', killer: 'vigil', memcg: guard.machine });
}, 400_000);
