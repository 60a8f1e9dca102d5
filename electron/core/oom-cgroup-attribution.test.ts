// With no kernel-log source at all, a backend that outgrows its
// memoryLimit is still reported oom-killed — from its own cgroup's oom_kill
// counter — by the real kernel, through the whole core.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import { all, cgroupV1Memory, isRoot, itPrivileged } from '../../test-support/privileged.js';
import { FAKE_SERVER, waitUntil } from '../../test-support/supervisor-harness.js';
import { createVigil, type VigilCore } from './vigil.js';

let core: VigilCore | null = null;
let dir: string | null = null;
afterEach(async () => {
  await core?.shutdown();
  core = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

itPrivileged('kernel log disabled: the cgroup counter attributes a real OOM kill to the backend', all(isRoot, cgroupV1Memory), async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-cgoom-'));
  const cfg = path.join(dir, 'config.yaml');
  const id = `cgoom-${process.pid}`;
  writeFileSync(
    cfg,
    `backends:
  ${id}:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}", --grow-mb-per-sec, "40"]
    memoryLimit: 64MiB
    restart: { policy: never }
`,
  );
  // kmsgPath null + no sources: no /dev/kmsg, no journal — only cgroup counters.
  core = await createVigil({ configPath: cfg, stateDir: path.join(dir, 'state'), kmsgPath: null, journalctl: null, kernelLogSources: [] });
  const c = core;
  expect(c.getState().kernelLog.active).not.toBe('kmsg');
  await waitUntil(() => c.getState().backends.find((b) => b.id === id)?.lastExit?.oomKilled === true, 30_000, () => 'oom-killed exit');
  const b = c.getState().backends.find((x) => x.id === id)!;
  expect(b.cgroup).toMatch(/vigil/);
  expect(b.lastExit?.reason).toMatch(/oom-killed/);
  expect(b.lastExit?.oom?.source).toBe('cgroup');
  expect(c.getState().ooms.some((k) => k.backend === id && k.pid === b.lastExit?.pid && k.scope === 'memcg')).toBe(true); // the timeline lists it
  expect(b.awaitingReap).toBe(true); // policy never: the zombie keeps its status
  const reaped = await c.reap({ id });
  expect(reaped.ok).toBe(true);
  expect(reaped.exit?.signal).toBe(9);
  expect(reaped.exit?.oomKilled).toBe(true);
  expect(c.getState().events.some((e) => e.kind === 'oom' && e.backend === id && /oom-killed/.test(e.reason))).toBe(true);
}, 180_000);
