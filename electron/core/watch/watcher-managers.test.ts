// Watch mode against managers as they behave: a manager that reaps within
// the grace (Ollama, ~130 ms), one that dies and leaves its server running
// (RamaLama stopped), a shell that exits on purpose, a live manager whose
// child must not be adopted, and servers that live only 300 ms (a load that
// fails). Real processes, real signals, real pidfds, the kernel's process
// events where this machine allows them (root).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWatched, watchActions, type WatchEvent, type WatchStatus, type WatchedServer } from '../../common/watch.js';
import { waitFor } from '../../../test-support/helpers.js';
import { isRoot, itPrivileged, procEventsConnector, all } from '../../../test-support/privileged.js';
import { fakeServerArgv, namedNode, pickFreePort, startScripted, waitForPort, type Scripted } from '../../../test-support/watch/servers.js';
import { Watcher } from './watcher.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function watcher(opts: ConstructorParameters<typeof Watcher>[0] = {}): { w: Watcher; events: WatchEvent[] } {
  const events: WatchEvent[] = [];
  const w = new Watcher({ strict: true, ...opts, onEvent: (e) => events.push(e) });
  cleanups.push(() => w.close());
  return { w, events };
}

async function scripted(opts: Parameters<typeof startScripted>[0]): Promise<Scripted> {
  const m = await startScripted(opts);
  cleanups.push(() => m.kill());
  return m;
}

async function fakeServer(m: Scripted, extra: string[] = []): Promise<{ pid: number; port: number }> {
  const node = namedNode('llama-server');
  cleanups.push(node.cleanup);
  const port = await pickFreePort();
  const pid = await m.start(fakeServerArgv(node.bin, port, extra));
  await waitForPort(port);
  return { pid, port };
}

const byPid = (w: Watcher, pid: number): WatchedServer | undefined => w.list().find((s) => s.pid === pid);
const ppidOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);

describe('Watcher and managers: a zombie only when it is one', () => {
  it('a server its manager reaps within the grace is never called a zombie, on no look', async () => {
    const { w, events } = watcher({ config: { zombieGrace: '2s' } });
    const m = await scripted({ comm: 'ollama', reapAfterMs: 150 });
    w.tick();
    const s = await fakeServer(m);
    w.tick();
    const id = byPid(w, s.pid)!.id;
    const seen = new Set<WatchStatus>();
    const look = setInterval(() => {
      const v = w.get(id);
      if (v) seen.add(v.status);
    }, 5);
    cleanups.push(() => clearInterval(look));
    process.kill(s.pid, 'SIGKILL');
    const gone = await waitFor(() => (w.get(id)?.status === 'gone' ? w.get(id) : null), 10_000, 'the server to be gone');
    clearInterval(look);
    expect(seen.has('zombie')).toBe(false);
    expect(gone.reapedBy).toBe(`its parent ollama ${m.managerPid}`);
    expect(events.filter((e) => e.id === id).map((e) => e.kind)).toEqual(['discovered', 'exited']);
  });
});

describe('Watcher and managers: a gone server is listed a while, then forgotten', () => {
  it("its retention is the gone state's timer: no tick needed", async () => {
    const { w } = watcher({ goneRetentionMs: 300 });
    const m = await scripted({ comm: 'llama-swap', reapAfterMs: 0 });
    w.tick();
    const s = await fakeServer(m);
    w.tick();
    const id = byPid(w, s.pid)!.id;
    process.kill(s.pid, 'SIGKILL');
    await waitFor(() => w.get(id)?.status === 'gone', 30_000, 'gone');
    await waitFor(() => w.get(id) === null, 30_000, 'forgotten after its retention');
  });
});

describe('Watcher and managers: orphans', () => {
  it('a server whose manager dies is orphaned from it at once (no tick), with an event; Stop is offered, and Adopt only now', async () => {
    const { w, events } = watcher();
    const m = await scripted({ comm: 'ramalama' });
    w.tick();
    const s = await fakeServer(m, ['-m', '/models/granite-3b.gguf']);
    w.tick();
    const id = byPid(w, s.pid)!.id;
    // While its manager lives, adopting would take its worker away.
    const adoptBefore = watchActions(w.get(id)!, { uid: process.getuid!() }).find((a) => a.action === 'adopt')!;
    expect(adoptBefore.available).toBe(false);
    expect(adoptBefore.why).toMatch(`its parent ramalama ${m.managerPid} is alive and is not a shell or init`);
    expect(w.adoptionSpec(id)).toBeNull();

    process.kill(m.managerPid, 'SIGKILL');
    // No tick from here on: only the manager's pidfd can tell.
    const e = await waitFor(() => events.find((x) => x.kind === 'orphaned' && x.id === id), 10_000, 'the orphaned event');
    const v = w.get(id)!;
    expect(v.status).toBe('orphaned');
    expect(v.orphanedFrom).toMatchObject({ manager: { pid: m.managerPid, comm: 'ramalama' } });
    expect(v.manager?.pid).toBe(ppidOf(s.pid)); // its heir (init, or a subreaper)
    expect(e.reason).toMatch(new RegExp(`^llama-server ${s.pid} is orphaned from ramalama ${m.managerPid} \\(exited at \\d\\d:\\d\\d:\\d\\d\\); it still runs: reparented to .+, still holding its memory$`));
    expect(describeWatched(v, Date.now())).toMatch(`is orphaned from ramalama ${m.managerPid}`);
    const stop = watchActions(v, { uid: process.getuid!() }).find((a) => a.action === 'stop')!;
    expect(stop).toMatchObject({ available: true, confirm: expect.stringMatching(`It is left over: its manager ramalama ${m.managerPid} exited at`) });
    expect(watchActions(v, { uid: process.getuid!() }).find((a) => a.action === 'adopt')!.available).toBe(true);
    // Stopping it ends the orphan.
    expect((await w.stop(id, { graceMs: 5000 })).ok).toBe(true);
    await waitFor(() => w.get(id)?.status === 'gone', 10_000, 'the orphan to be gone');
    expect(events.filter((x) => x.id === id).map((x) => x.kind)).toEqual(['discovered', 'orphaned', 'exited']);
  });

  it('a server left by a shell that exits on purpose is no orphan', async () => {
    const { w, events } = watcher();
    const node = namedNode('llama-server');
    cleanups.push(node.cleanup);
    const port = await pickFreePort();
    const shell = spawn('/bin/sh', ['-c', '"$@" & read line', 'sh', ...fakeServerArgv(node.bin, port)], { stdio: ['pipe', 'ignore', 'ignore'] });
    cleanups.push(() => shell.kill('SIGKILL'));
    await waitForPort(port);
    const pid = await waitFor(() => Number(readFileSync(`/proc/${shell.pid}/task/${shell.pid}/children`, 'utf8').trim()) || 0, 5000, 'the shell to start it');
    cleanups.push(() => process.kill(pid, 'SIGKILL'));
    w.tick();
    const id = byPid(w, pid)!.id;
    shell.stdin!.end();
    await waitFor(() => ppidOf(pid) !== shell.pid, 5000, 'the server to be reparented');
    w.tick();
    expect(w.get(id)!.status).toBe('running');
    expect(events.filter((x) => x.id === id).map((x) => x.kind)).toEqual(['discovered']);
  });
});

describe('Watcher and managers: nothing dies unseen', () => {
  itPrivileged("a server that lives 300 ms is listed, found at its exec through the kernel's process events (no tick)", all(isRoot, procEventsConnector), async () => {
    const { w, events } = watcher();
    expect(w.births.source).toBe('proc-events');
    const sleeper = namedNode('llama-server', '/bin/sleep');
    cleanups.push(sleeper.cleanup);
    const m = await scripted({ comm: 'llama-swap' });
    w.tick();
    const pid = await m.start([sleeper.bin, '0.3']);
    const found = await waitFor(() => events.find((e) => e.kind === 'discovered' && e.pid === pid), 10_000, 'the short-lived server to be discovered');
    expect(found.server).toMatchObject({ kind: 'llama-server', comm: 'llama-server', manager: { pid: m.managerPid, comm: 'llama-swap' } });
    const gone = await waitFor(() => (w.get(found.id)?.status === 'gone' ? w.get(found.id) : null), 10_000, 'its end');
    // The kernel's events say how a process Vigil did not start ended.
    expect(gone.exit).toEqual({ code: 0, signal: null });
  });

  it('without the kernel events, a watched manager starting a process sets off quick scans: its next server, living 300 ms, is listed', async () => {
    const { w, events } = watcher({ procEvents: false, config: { rules: [{ name: 'swap stand-in', cmdline: 'scripted-manager\\.py' }] } });
    expect(w.births).toMatchObject({ source: 'ticks' });
    const m = await scripted({ comm: 'llama-swap' });
    w.tick();
    expect(byPid(w, m.managerPid)?.kind).toBe('rule');
    const first = await fakeServer(m); // the tick that sees it starts the quick scans
    w.tick();
    expect(byPid(w, first.pid)).toBeDefined();
    const sleeper = namedNode('llama-server', '/bin/sleep');
    cleanups.push(sleeper.cleanup);
    const pid = await m.start([sleeper.bin, '0.3']);
    await waitFor(() => events.find((e) => e.kind === 'discovered' && e.pid === pid), 10_000, 'the short-lived server to be discovered by the quick scans');
  });
});
