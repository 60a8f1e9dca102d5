// A real kernel OOM kill of a real llama-server: the weights of a model
// loaded with --no-mmap do not fit the backend's memory cgroup, the kernel
// kills the server mid-load, and the core attributes the exit to the OOM
// killer, with the kernel's own record of the kill (from /dev/kmsg).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import type { BackendView, OomKill } from '../../electron/common/state.js';
import { all, cgroupV1Memory, isRoot, kmsgReadable } from '../privileged.js';
import { itLlamaPrivileged } from './it-llama.js';
import { llamaServerPath, model } from './testbed.js';
import { cleanupVigils, startVigil, type RunningVigil } from './vigil-with-llama.js';

const bin = llamaServerPath().path;
if (bin) process.env.PATH = `${path.dirname(bin)}:${process.env.PATH ?? ''}`;
afterAll(cleanupVigils);

const LIMIT_MIB = 64;
const capability = all(isRoot, cgroupV1Memory, kmsgReadable);

interface Outcome {
  v: RunningVigil;
  /** The backend once the kernel's record of its kill has arrived (before reap). */
  b: BackendView;
  /** The kernel's record of the kill, from /dev/kmsg, as the core attributed it. */
  kernel: OomKill;
}

// Both tests look at one kill: an OOM kill is slow and noisy enough to do once.
let outcome: Promise<Outcome> | null = null;
const oomKillOnce = (): Promise<Outcome> =>
  (outcome ??= (async () => {
    const small = await model('small');
    const v = await startVigil(
      { llm: { cmd: `llama-server -m ${small} -c 4096 --no-mmap --port \${PORT}`, memoryLimit: `${LIMIT_MIB}MiB`, restart: { policy: 'never' } } },
      { kmsgPath: '/dev/kmsg', journalctl: null, kernelLogSources: ['kmsg'] },
    );
    expect(v.core.getState().kernelLog.active).toBe('kmsg');
    await v.until((b) => b.lastExit?.oomKilled === true, 60_000);
    const pid = v.view().lastExit!.pid;
    let kernel: OomKill | undefined;
    await v.until(() => (kernel = v.core.getState().ooms.find((k) => k.pid === pid && k.source === 'kmsg')) !== undefined, 30_000);
    return { v, b: v.view(), kernel: kernel! };
  })());

itLlamaPrivileged('llama-server loading an 88 MiB model with --no-mmap into a 64 MiB limit is OOM-killed by the kernel, attributed to its backend', capability, async () => {
  const { v, b, kernel } = await oomKillOnce();
  expect(b.cgroup).toMatch(/vigil/);
  expect(b.status).toBe('exited');
  expect(b.lastExit!.reason).toMatch(/^oom-killed/);
  // The kernel's record: this process, in this backend's memory cgroup, with what it held when killed.
  expect(kernel).toMatchObject({ pid: b.lastExit!.pid, comm: 'llama-server', scope: 'memcg', killer: 'kernel', backend: 'llm' });
  expect(kernel.memcg).toMatch(/vigil\/[0-9a-f]{8}\/llm$/);
  // Most of the limit is the weights it was copying in (anonymous memory).
  expect(kernel.anonRssKb).toBeGreaterThan((LIMIT_MIB * 1024) / 2);
  expect(kernel.totalVmKb).toBeGreaterThan(kernel.anonRssKb!);
  // It died while loading: the log has the load's start, not its end.
  const log = readFileSync(path.join(v.dir, 'state', 'logs', 'llm.log'), 'utf8');
  expect(log).toMatch(/loading model/);
  expect(log).not.toMatch(/model loaded/);
  // policy never: the zombie keeps its status until reaped.
  expect(b.awaitingReap).toBe(true);
  const reaped = await v.core.reap({ id: 'llm' });
  expect(reaped.exit).toMatchObject({ pid: kernel.pid, signal: 9, oomKilled: true });
}, 180_000);

itLlamaPrivileged('the OOM-killed exit carries the kernel’s RSS figures when /dev/kmsg is read, whichever source noticed the kill first', capability, async () => {
  const { b, kernel } = await oomKillOnce();
  // The cgroup's oom_kill counter often notices first; its record has no figures. The kernel's line follows within milliseconds.
  expect(b.lastExit!.oom).toMatchObject({ source: 'kmsg', anonRssKb: kernel.anonRssKb, totalVmKb: kernel.totalVmKb });
}, 180_000);
