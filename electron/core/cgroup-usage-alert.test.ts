// The "near its memory limit" alert judges a backend by its cgroup's
// charge, through the real kernel and the whole core. A node backend's RSS
// counts the node binary's file pages, already cached and charged elsewhere
// (~35 MiB), so RSS sits far above what its cgroup holds; judged by RSS it
// was reported over a limit the cgroup cannot exceed.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { all, cgroupV1Memory, isRoot, itPrivileged } from '../../test-support/privileged.js';
import { FAKE_SERVER, waitUntil } from '../../test-support/supervisor-harness.js';
import { SERIES } from '../common/state.js';
import { createVigil, type VigilCore } from './vigil.js';

const MiB = 2 ** 20;

let core: VigilCore | null = null;
let dir: string | null = null;
afterEach(async () => {
  await core?.shutdown();
  core = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

itPrivileged('limit alert: RSS above the threshold while the cgroup is below stays quiet; the cgroup crossing it raises', all(isRoot, cgroupV1Memory), async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-cgalert-'));
  const cfg = path.join(dir, 'config.yaml');
  const id = `cgalert-${process.pid}`;
  const limit = 64 * MiB;
  const threshold = limit * 0.4; // limitMarginPercent 60: warn from 25.6 MiB
  writeFileSync(
    cfg,
    `backends:
  ${id}:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}"]
    memoryLimit: 64MiB
    restart: { policy: never }
alerts: { limitMarginPercent: 60 }
sampling: { intervalMs: 200 }
`,
  );
  core = await createVigil({ configPath: cfg, stateDir: path.join(dir, 'state'), kmsgPath: null, journalctl: null, kernelLogSources: [] });
  const c = core;
  const view = () => c.getState().backends.find((b) => b.id === id);
  const limitAlert = () => c.getState().alerts.find((a) => a.id === `limit:${id}`);

  // Premise: sampled tree RSS is past the threshold, the cgroup's charge is not.
  await waitUntil(() => view()?.status === 'ready' && (view()?.memory?.rss ?? 0) >= threshold, 15_000, () => `ready with RSS ≥ 25.6 MiB (got ${JSON.stringify(view()?.memory?.rss)})`);
  const cgPath = view()!.cgroup!;
  expect(cgPath).toMatch(/vigil/);
  const charged = Number(readFileSync(path.join(cgPath, 'memory.usage_in_bytes'), 'utf8'));
  expect(charged).toBeLessThan(threshold);

  // Several sampler ticks (three more seconds of the backend's RSS in the history, however long a
  // loaded machine takes to sample them): judged by RSS this would raise; by the cgroup it must not.
  const samples = async (): Promise<number> => (await c.getHistory({ range: 'hour', series: [SERIES.backendRss(id)] })).series[SERIES.backendRss(id)]?.filter((v) => v !== null).length ?? 0;
  const before = await samples();
  while ((await samples()) < before + 3) {
    expect(limitAlert()).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(limitAlert()).toBeUndefined();

  // Grow (anonymous memory, charged to the cgroup) until the cgroup itself crosses; then stop well below the limit.
  const grow = (mbPerSec: number) => fetch(`http://127.0.0.1:${view()!.port}/control/grow?mbPerSec=${mbPerSec}`, { method: 'POST' });
  expect((await grow(20)).ok).toBe(true);
  try {
    await waitUntil(() => limitAlert() !== undefined, 15_000, () => `limit alert (cgroup now ${readFileSync(path.join(cgPath, 'memory.usage_in_bytes'), 'utf8').trim()} bytes)`);
  } finally {
    await grow(0);
  }
  const a = limitAlert()!;
  expect(a.message).toMatch(new RegExp(`^${id} uses \\d+ MiB \\(cgroup usage\\), \\d+\\.\\d% of its 64 MiB limit$`));
  expect(a.figures.rss).toBeUndefined();
  expect(a.figures.cgroupUsage).toBe(a.figures.used);
  expect(a.figures.used).toBeGreaterThanOrEqual(threshold);
  expect(a.figures.used).toBeLessThanOrEqual(limit);
  expect(a.figures.percentOfLimit).toBeLessThanOrEqual(100);
  expect(c.getState().events.some((e) => e.kind === 'warning' && e.backend === id && /\(cgroup usage\)/.test(e.reason))).toBe(true);
}, 180_000);
