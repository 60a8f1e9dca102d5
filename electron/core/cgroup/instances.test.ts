// Two Vigil instances with the same backend id get separate cgroups: one
// stopping its backend neither moves the other's process out nor removes
// its limit.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { all, cgroupV1Memory, isRoot, itPrivileged } from '../../../test-support/privileged.js';
import { cgroupInstance, createBackendCgroup } from './backend-cgroup.js';

const MiB = 2 ** 20;

describe('cgroups per instance', () => {
  it('the instance name is a stable short hash of the state directory', () => {
    expect(cgroupInstance('/tmp/a/state')).toMatch(/^[0-9a-f]{8}$/);
    expect(cgroupInstance('/tmp/a/state')).toBe(cgroupInstance('/tmp/a/../a/state'));
    expect(cgroupInstance('/tmp/a/state')).not.toBe(cgroupInstance('/tmp/b/state'));
  });

  it('refuses an instance name that is not hex', () => {
    const r = createBackendCgroup({ id: 'llama', limitBytes: MiB, instance: '../x' });
    expect(r.ok).toBe(false);
  });

  itPrivileged('same backend id, two instances: separate cgroups, and removing one leaves the other and its process alone', all(isRoot, cgroupV1Memory), async () => {
    const id = `twin-${process.pid}`;
    const a = createBackendCgroup({ id, limitBytes: 64 * MiB, instance: cgroupInstance('/tmp/vigil-a') });
    const b = createBackendCgroup({ id, limitBytes: 128 * MiB, instance: cgroupInstance('/tmp/vigil-b') });
    if (!a.ok || !b.ok) throw new Error(`${!a.ok ? a.reason : ''} ${!b.ok ? b.reason : ''}`);
    expect(a.cg.path).not.toBe(b.cg.path);
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((res) => child.on('spawn', res));
    try {
      b.cg.addProcess(child.pid!);
      await a.cg.remove();
      expect(existsSync(a.cg.path)).toBe(false);
      expect(b.cg.pids()).toEqual([child.pid]);
      expect(b.cg.usage().limit).toBe(128 * MiB);
      expect(readFileSync(`/proc/${child.pid}/cgroup`, 'utf8')).toContain(b.cg.path.replace('/sys/fs/cgroup/memory', ''));
    } finally {
      child.kill('SIGKILL');
      await new Promise((res) => child.on('exit', res));
      await b.cg.remove();
    }
    // Each instance's folder goes with its last backend cgroup.
    expect(existsSync(b.cg.path)).toBe(false);
    expect(existsSync(a.cg.path.replace(/\/[^/]+$/, ''))).toBe(false);
  });
});
