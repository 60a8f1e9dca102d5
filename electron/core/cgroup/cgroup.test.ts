import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/helpers.js';
import { all, cgroupV1Memory, isRoot, itPrivileged } from '../../../test-support/privileged.js';
import { createBackendCgroup, openBackendCgroup, watchOomKills } from './backend-cgroup.js';
import { detectMemoryHierarchy, parseMountinfo } from './detect.js';

const fx = (p: string): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', p);
const APP = 'user.slice/user-1000.slice/user@1000.service/app.slice';
const MiB = 2 ** 20;

/** A writable copy of a fixture tree. */
function copyFixture(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vigil-cg-${name}-`));
  cpSync(fx(name), dir, { recursive: true });
  return dir;
}

describe('detectMemoryHierarchy', () => {
  it('v2: the delegated subtree is the parent of our own scope', () => {
    const d = detectMemoryHierarchy({ procRoot: fx('v2/proc'), cgroupRoot: fx('v2/cgroup') });
    expect(d).toEqual({ ok: true, hierarchy: { version: 2, mount: fx('v2/cgroup'), self: fx(`v2/cgroup/${APP}/vscode.scope`), base: fx(`v2/cgroup/${APP}`) } });
  });

  it('v2 without memory in subtree_control: says what is missing and how to enable it', () => {
    const d = detectMemoryHierarchy({ procRoot: fx('v2-nodeleg/proc'), cgroupRoot: fx('v2-nodeleg/cgroup') });
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.reason).toContain(`memory controller not enabled for children of ${fx(`v2-nodeleg/cgroup/${APP}`)} (cgroup.subtree_control: "cpu pids")`);
    expect(d.reason).toContain('Delegate=memory');
  });

  it('v1 (hybrid layout of this VM): the memory mount wins over the controller-less unified mount', () => {
    const d = detectMemoryHierarchy({ procRoot: fx('v1/proc'), cgroupRoot: fx('v1/cgroup') });
    expect(d).toEqual({ ok: true, hierarchy: { version: 1, mount: fx('v1/cgroup/memory'), base: fx('v1/cgroup/memory/vigil') } });
  });

  it('no /proc: a clear reason, not a throw', () => {
    expect(detectMemoryHierarchy({ procRoot: '/nonexistent' })).toEqual({ ok: false, reason: 'cannot read /nonexistent/self/mountinfo: per-backend memory limits need /proc' });
  });

  it('parseMountinfo unescapes octal and reads fs type and super options after " - "', () => {
    const [m] = parseMountinfo('40 30 0:37 / /sys/fs/cgroup/my\\040dir rw,relatime shared:5 master:1 - cgroup cgroup rw,memory\n');
    expect(m).toEqual({ mountPoint: '/sys/fs/cgroup/my dir', fsType: 'cgroup', superOptions: ['rw', 'memory'] });
  });
});

describe('backend cgroup on fixture trees', () => {
  it('v2: creates vigil-<id> beside our scope with memory.max and no swap', () => {
    const dir = copyFixture('v2');
    const r = createBackendCgroup({ id: 'whisper', limitBytes: 512 * MiB, procRoot: path.join(dir, 'proc'), root: path.join(dir, 'cgroup') });
    if (!r.ok) throw new Error(r.reason);
    expect(r.cg.version).toBe(2);
    expect(r.cg.path).toBe(path.join(dir, 'cgroup', APP, 'vigil-whisper'));
    expect(readFileSync(path.join(r.cg.path, 'memory.max'), 'utf8')).toBe(String(512 * MiB));
    expect(readFileSync(path.join(r.cg.path, 'memory.swap.max'), 'utf8')).toBe('0');
  });

  it('v2: reads oom_kill 3 from memory.events, usage and pids', () => {
    const cg = openBackendCgroup(2, fx(`v2/cgroup/${APP}/vigil-llama`));
    expect(cg.oomKillCount()).toBe(3);
    expect(cg.usage()).toEqual({ current: 734003200, limit: 1073741824 });
    expect(cg.pids()).toEqual([4243, 4250]);
  });

  it('watchOomKills reports a rising counter once, with the delta', async () => {
    const dir = copyFixture('v2');
    const cg = openBackendCgroup(2, path.join(dir, 'cgroup', APP, 'vigil-llama'));
    const seen: { count: number; delta: number }[] = [];
    const stop = watchOomKills(cg, (e) => seen.push(e), { intervalMs: 20 });
    writeFileSync(path.join(cg.path, 'memory.events'), 'oom 5\noom_kill 5\n');
    await waitFor(() => seen.length > 0, 30_000, 'the first report');
    // A later rise is reported with its own delta, and nothing in between: the first was reported once.
    writeFileSync(path.join(cg.path, 'memory.events'), 'oom 7\noom_kill 7\n');
    await waitFor(() => seen.length > 1, 30_000, 'the second report');
    stop();
    expect(seen).toEqual([
      { count: 5, delta: 2 },
      { count: 7, delta: 2 },
    ]);
  });

  it('v2: the peak is memory.peak, null where the kernel has none (before 5.19), and cannot be reset for everyone', () => {
    const dir = copyFixture('v2');
    const p = path.join(dir, 'cgroup', APP, 'vigil-llama');
    const cg = openBackendCgroup(2, p);
    expect(cg.peak()).toBeNull();
    writeFileSync(path.join(p, 'memory.peak'), '912261120\n');
    expect(cg.peak()).toBe(912261120);
    expect(cg.resetPeak()).toBe(false);
    expect(readFileSync(path.join(p, 'memory.peak'), 'utf8')).toBe('912261120\n');
  });

  it('a missing oom_kill line (old kernel) names the file', () => {
    const dir = copyFixture('v2');
    const p = path.join(dir, 'cgroup', APP, 'vigil-llama');
    writeFileSync(path.join(p, 'memory.events'), 'low 0\nhigh 0\n');
    expect(() => openBackendCgroup(2, p).oomKillCount()).toThrow(`${p}/memory.events: no "oom_kill" line (kernel older than 4.13?)`);
  });

  it('bad ids and limits are refused with a reason; v2 without delegation passes the reason on', () => {
    expect(createBackendCgroup({ id: '../etc', limitBytes: MiB })).toEqual({ ok: false, reason: 'backend id "../etc" cannot name a cgroup (letters, digits, \'.\', \'_\', \'-\' only)' });
    expect(createBackendCgroup({ id: 'x', limitBytes: -1 })).toMatchObject({ ok: false, reason: 'memory limit for x must be a positive whole number of bytes, got -1' });
    const r = createBackendCgroup({ id: 'x', limitBytes: MiB, procRoot: fx('v2-nodeleg/proc'), root: fx('v2-nodeleg/cgroup') });
    expect(r.ok).toBe(false);
  });
});

describe('backend cgroup on the real kernel (cgroup v1)', () => {
  itPrivileged('a 64 MiB limit: the kernel OOM-kills a python3 hog, oom_kill goes 0 → 1, remove() cleans up', all(isRoot, cgroupV1Memory), async () => {
    const id = `test-${process.pid}`;
    const r = createBackendCgroup({ id, limitBytes: 64 * MiB });
    if (!r.ok) throw new Error(r.reason);
    const cg = r.cg;
    try {
      expect(cg.version).toBe(1);
      expect(cg.path).toBe(`/sys/fs/cgroup/memory/vigil/${id}`);
      expect(cg.usage().limit).toBe(64 * MiB);
      expect(cg.oomKillCount()).toBe(0);
      const kills: number[] = [];
      const stop = watchOomKills(cg, (e) => kills.push(e.count), { intervalMs: 100 });
      // The hog waits for a line on stdin so it is inside the cgroup before it allocates.
      const hog = spawn('/usr/bin/python3', ['-c', 'import sys\nsys.stdin.readline()\na = []\nwhile True: a.append(b"x" * (1 << 20))'], { stdio: ['pipe', 'ignore', 'ignore'] });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => hog.on('exit', (code, signal) => res({ code, signal })));
      await new Promise((res) => hog.on('spawn', res));
      cg.addProcess(hog.pid!);
      expect(cg.pids()).toEqual([hog.pid]);
      hog.stdin!.write('go\n');
      const { code, signal } = await exited;
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
      expect(cg.oomKillCount()).toBe(1);
      await waitFor(() => kills.length > 0, 30_000, 'the OOM kill to be reported');
      stop();
      expect(kills).toEqual([1]);
    } finally {
      await cg.remove();
    }
    expect(existsSync(cg.path)).toBe(false);
  }, 180_000);

  itPrivileged("the peak holds a finished process's high-water mark until reset, then starts from the charge now", all(isRoot, cgroupV1Memory), async () => {
    const r = createBackendCgroup({ id: `peak-${process.pid}`, limitBytes: 256 * MiB });
    if (!r.ok) throw new Error(r.reason);
    const cg = r.cg;
    try {
      // 48 MiB touched (bytearray zero-fills), then freed by the exit.
      const child = spawn('/usr/bin/python3', ['-c', 'import sys\nsys.stdin.readline()\nb = bytearray(48 << 20)\nprint(len(b))'], { stdio: ['pipe', 'ignore', 'ignore'] });
      const exited = new Promise((res) => child.on('exit', res));
      await new Promise((res) => child.on('spawn', res));
      cg.addProcess(child.pid!);
      child.stdin!.write('go\n');
      await exited;
      const peak = cg.peak()!;
      expect(peak).toBeGreaterThanOrEqual(48 * MiB);
      expect(cg.usage().current).toBeLessThan(peak - 40 * MiB);
      expect(cg.resetPeak()).toBe(true);
      expect(cg.peak()).toBeLessThan(peak - 40 * MiB);
    } finally {
      await cg.remove();
    }
  }, 180_000);

  itPrivileged('remove() migrates a live straggler to the parent before rmdir', all(isRoot, cgroupV1Memory), async () => {
    const r = createBackendCgroup({ id: `straggler-${process.pid}`, limitBytes: 64 * MiB });
    if (!r.ok) throw new Error(r.reason);
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((res) => child.on('spawn', res));
    try {
      r.cg.addProcess(child.pid!);
      await r.cg.remove();
      expect(existsSync(r.cg.path)).toBe(false);
      const procs = readFileSync('/sys/fs/cgroup/memory/vigil/cgroup.procs', 'utf8').split('\n');
      expect(procs).toContain(String(child.pid));
      expect(() => r.cg.addProcess(999_999_999)).toThrow(/cannot move pid 999999999 into .*straggler/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('OOM notification (cgroup v1 eventfd)', () => {
  itPrivileged('a real kill is reported through the eventfd: with the poll backstop set beyond the test, it still arrives', all(isRoot, cgroupV1Memory), async () => {
    const r = createBackendCgroup({ id: `notify-${process.pid}`, limitBytes: 64 * MiB });
    if (!r.ok) throw new Error(r.reason);
    const cg = r.cg;
    try {
      const kills: number[] = [];
      const stop = watchOomKills(cg, (e) => kills.push(e.count), { intervalMs: 600_000 });
      const hog = spawn('/usr/bin/python3', ['-c', 'import sys\nsys.stdin.readline()\na = []\nwhile True: a.append(b"x" * (1 << 20))'], { stdio: ['pipe', 'ignore', 'ignore'] });
      const exited = new Promise((res) => hog.on('exit', res));
      await new Promise((res) => hog.on('spawn', res));
      cg.addProcess(hog.pid!);
      hog.stdin!.write('go\n');
      await exited;
      await waitFor(() => kills.length > 0, 30_000, 'the OOM kill to be reported');
      stop();
      expect(kills).toEqual([1]);
    } finally {
      await cg.remove();
    }
  }, 180_000);
});
