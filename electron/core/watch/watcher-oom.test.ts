// Vigil's founding bug, seen from outside: a manager that never reaps starts a
// server; the kernel OOM-kills it in a memory cgroup; Vigil, which is not its
// parent, shows the zombie, its manager, for how long, and the OOM kill read
// from /dev/kmsg; when the manager dies and init reaps the zombie, it clears.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect } from 'vitest';
import type { OomKill } from '../../common/state.js';
import { describeWatched, type WatchEvent } from '../../common/watch.js';
import { pickFreePort, tempDir, waitFor } from '../../../test-support/helpers.js';
import { all, cgroupV1Memory, isRoot, itPrivileged, kmsgReadable } from '../../../test-support/privileged.js';
import { fakeServerArgv, namedNode, startCareless, startScripted, waitForPort } from '../../../test-support/watch/servers.js';
import { KernelLogWatcher } from '../oom/kernel-log-watcher.js';
import { Watcher } from './watcher.js';

const cleanups: (() => void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      c();
    } catch {
      /* best effort */
    }
  }
});

itPrivileged('an OOM-killed server its manager never reaps: zombie, manager, attributed kernel kill, cleared by init', all(isRoot, cgroupV1Memory, kmsgReadable), async () => {
  const cg = `/sys/fs/cgroup/memory/vigil-watch-oom-${process.pid}`;
  mkdirSync(cg, { recursive: true });
  writeFileSync(path.join(cg, 'memory.limit_in_bytes'), String(160 * 1024 * 1024));
  cleanups.push(() => rmdirSync(cg));

  const state = tempDir('vigil-watch-oom-');
  cleanups.push(state.cleanup);
  const events: WatchEvent[] = [];
  const w = new Watcher({ config: { zombieGrace: '500ms', health: { interval: '200ms' } }, onEvent: (e) => events.push(e) });
  cleanups.push(() => w.close());
  const kills: OomKill[] = [];
  const klog = new KernelLogWatcher({ stateDir: state.dir, sources: ['kmsg'], journalctl: null, onKill: (k) => { kills.push(k); w.attributeKill(k); }, onStatus: () => {} });
  await klog.start();
  cleanups.push(() => klog.stop());
  w.tick();

  const node = namedNode('llama-server');
  cleanups.push(node.cleanup);
  const port = await pickFreePort();
  const m = await startCareless(fakeServerArgv(node.bin, port), { comm: 'lemond', cgroupProcs: path.join(cg, 'cgroup.procs') });
  cleanups.push(() => m.kill());
  await waitForPort(port);
  w.tick();
  const v = w.list().find((s) => s.pid === m.pid)!;
  expect(v).toMatchObject({ kind: 'llama-server', manager: { pid: m.managerPid, comm: 'lemond' } });
  expect(v.cgroup).toBe(`/vigil-watch-oom-${process.pid}`);
  expect(readFileSync(path.join(cg, 'cgroup.procs'), 'utf8').trim()).toBe(String(m.pid));

  // Grow until the cgroup's limit: the kernel kills it; lemond does not reap.
  await fetch(`http://127.0.0.1:${port}/control/grow?mbPerSec=80`, { method: 'POST' });
  await waitFor(() => events.find((e) => e.kind === 'zombie' && e.pid === m.pid), 30_000, 'the zombie to be flagged');
  const oom = await waitFor(() => events.find((e) => e.kind === 'oom' && e.pid === m.pid), 10_000, 'the OOM kill to be attributed');
  expect(oom.reason).toMatch(/OOM-killed \(kernel, matched by pid\)/);
  const z = w.get(v.id)!;
  expect(z.status).toBe('zombie');
  expect(z.lastOom).toMatchObject({ pid: m.pid, comm: 'llama-server', scope: 'memcg', killer: 'kernel' });
  // The kernel rate-limits an OOM's header (other jobs here OOM too): then the kill names no cgroup, never another kill's.
  expect([null, `/vigil-watch-oom-${process.pid}`]).toContain(z.lastOom!.memcg);
  expect(describeWatched(z, Date.now())).toMatch(new RegExp(`^llama-server ${m.pid} exited (just now|\\d+s ago) \\(OOM-killed\\); its parent lemond ${m.managerPid} has not reaped it$`));
  expect(describeWatched(z, z.exitedAt! + 37_000)).toBe(`llama-server ${m.pid} exited 37s ago (OOM-killed); its parent lemond ${m.managerPid} has not reaped it`);
  expect(readFileSync(`/proc/${m.pid}/stat`, 'utf8')).toMatch(/\) Z /); // really a zombie, as Vigil says

  // The manager dies; init reaps the zombie; the state clears.
  process.kill(m.managerPid, 'SIGKILL');
  await waitFor(() => events.find((e) => e.kind === 'reaped' && e.pid === m.pid), 10_000, 'the zombie to be reaped');
  const after = w.get(v.id)!;
  expect(after).toMatchObject({ status: 'gone', zombieSince: null });
  expect(after.reapedBy).toMatch(`after its parent lemond ${m.managerPid} ended`);
  expect(after.lastOom?.pid).toBe(m.pid); // the cause stays on record
  // The kernel's line may come before or after the pidfd's exit: the OOM event sits anywhere after discovery.
  const kinds = events.filter((e) => e.pid === m.pid).map((e) => e.kind);
  expect(kinds.filter((k) => k !== 'oom')).toEqual(['discovered', 'exited', 'zombie', 'reaped']);
  expect(kinds.filter((k) => k === 'oom')).toHaveLength(1);
}, 180_000);

// A model swap as llama-swap does it: server A (a small model) stopped
// cleanly, then server B (a large one) started in the same memory cgroup and
// OOM-killed during its load. The kill is B's — by its pid when Vigil saw B
// (the kernel's process events), else as "a server of" the watched manager —
// and never A's, though A has the same name and ran in the same cgroup.
for (const procEvents of ['auto', false] as const) {
  itPrivileged(`a swap whose second load is OOM-killed blames no other server (${procEvents === 'auto' ? "with the kernel's process events where allowed" : 'ticks only'})`, all(isRoot, cgroupV1Memory, kmsgReadable), async () => {
    const cg = `/sys/fs/cgroup/memory/vigil-watch-swap-${process.pid}-${procEvents}`;
    mkdirSync(cg, { recursive: true });
    writeFileSync(path.join(cg, 'memory.limit_in_bytes'), String(160 * 1024 * 1024));
    cleanups.push(() => rmdirSync(cg));
    const state = tempDir('vigil-watch-swap-');
    cleanups.push(state.cleanup);
    const events: WatchEvent[] = [];
    const w = new Watcher({ strict: true, procEvents, config: { rules: [{ name: 'llama-swap', cmdline: 'scripted-manager\\.py' }] }, onEvent: (e) => events.push(e) });
    cleanups.push(() => w.close());
    const klog = new KernelLogWatcher({ stateDir: state.dir, sources: ['kmsg'], journalctl: null, onKill: (k) => void w.attributeKill(k), onStatus: () => {} });
    await klog.start();
    cleanups.push(() => klog.stop());

    const m = await startScripted({ comm: 'llama-swap', reapAfterMs: 0 });
    cleanups.push(() => m.kill());
    w.tick();
    const manager = w.list().find((s) => s.pid === m.managerPid)!;
    expect(manager).toMatchObject({ kind: 'rule', label: 'llama-swap' });
    const node = namedNode('llama-server');
    cleanups.push(node.cleanup);
    const procs = path.join(cg, 'cgroup.procs');

    // A: the small model, loaded, then stopped cleanly for the swap.
    const portA = await pickFreePort();
    const a = await m.start(fakeServerArgv(node.bin, portA, ['-m', '/models/small-1b.gguf']), { cgroupProcs: procs });
    await waitForPort(portA);
    w.tick();
    const viewA = w.list().find((s) => s.pid === a)!;
    expect(viewA).toMatchObject({ cgroup: `/vigil-watch-swap-${process.pid}-${procEvents}`, manager: { pid: m.managerPid, watchedId: manager.id } });
    await m.stop(a);
    await waitFor(() => w.get(viewA.id)?.status === 'gone', 10_000, 'A to be gone');

    // B: the large model, killed by the kernel during its load.
    const portB = await pickFreePort();
    const b = await m.start(fakeServerArgv(node.bin, portB, ['-m', '/models/big-70b.gguf', '--grow-mb-per-sec', '400']), { cgroupProcs: procs });
    const oom = await waitFor(() => events.find((e) => e.kind === 'oom' && e.oom?.pid === b), 30_000, "B's OOM kill to be attributed");
    expect(w.get(viewA.id)!.lastOom).toBeNull();
    expect(events.some((e) => e.kind === 'oom' && e.id === viewA.id)).toBe(false);
    const viewB = w.list().find((s) => s.pid === b);
    if (oom.oom!.watched!.by === 'pid') {
      // Seen (at its exec, or by a quick scan): the kill is its own, by pid.
      expect(oom.oom!.watched).toMatchObject({ id: viewB!.id, by: 'pid', pid: b });
      expect(w.get(viewB!.id)!).toMatchObject({ lastOom: { pid: b } });
      // Its model from its command line, unless it was found only after its memory (and command line) was gone.
      expect([viewB!.cmdline.length ? '/models/big-70b.gguf' : null]).toContain(w.get(viewB!.id)!.model);
    } else {
      // Never seen: the manager's, named as one of its servers, with the model its command line named.
      expect(oom.id).toBe(manager.id);
      expect(oom.oom!.watched!.text).toMatch(new RegExp(`^a server of llama-swap ${m.managerPid} \\(pid ${b}, llama-server(, model big-70b\\.gguf)?\\)$`));
      expect(w.get(manager.id)!.serverOoms?.map((k) => k.pid)).toEqual([b]);
      expect(w.get(manager.id)!.lastOom).toBeNull();
    }
  }, 60_000);
}
