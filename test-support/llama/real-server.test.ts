// The core against the real llama-server (built by build-llama-server.sh) and
// random-weight models: load states, kill -9, the zombie of the seed bug, a
// stopped (T) server, and stop — through the VigilService API only.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect } from 'vitest';
import type { BackendView, VigilEvent } from '../../electron/common/state.js';
import { itLlama } from './it-llama.js';
import { cleanupVigils, startVigil } from './vigil-with-llama.js';
import { evictFromPageCache, llamaServerPath, missingLlamaServer, model } from './testbed.js';

// `llama-server` on PATH, as on a user's machine: commands name it bare.
const bin = llamaServerPath().path;
if (bin) process.env.PATH = `${path.dirname(bin)}:${process.env.PATH ?? ''}`;

const models: { tiny?: string; large?: string } = {};
beforeAll(async () => {
  if (missingLlamaServer()) return;
  models.tiny = await model('tiny');
  models.large = await model('large');
}, 120_000);
afterEach(cleanupVigils);

const procState = (pid: number): string => {
  const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return st.slice(st.lastIndexOf(')') + 2, st.lastIndexOf(')') + 3);
};
const transitions = (events: VigilEvent[]): string[] => events.filter((e) => e.kind === 'transition').map((e) => e.to!);
const isSigkill = (b: BackendView, pid: number): boolean => b.lastExit?.pid === pid && b.lastExit.signal === 9;

describe('real llama-server', () => {
  itLlama('a backend written as a user writes it goes starting → loading → ready and answers a completion', async () => {
    // A cold load (as after boot) reads ~1 GB from disk: loading lasts long enough to be seen.
    evictFromPageCache(models.large!);
    const v = await startVigil({ llm: { cmd: `llama-server -m ${models.large} -c 4096 --port \${PORT}` } });
    await v.until((b) => b.status === 'ready', 60_000);
    expect(transitions(await v.events())).toEqual(['starting', 'loading', 'ready']);
    const b = v.view();
    expect(b.command.slice(0, 1)).toEqual(['llama-server']);
    const res = await fetch(`http://127.0.0.1:${b.port}/completion`, { method: 'POST', body: JSON.stringify({ prompt: 'Hello', n_predict: 4, temperature: 0 }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { tokens_predicted: number }).tokens_predicted).toBe(4);
  }, 180_000);

  itLlama('kill -9 during the load and after ready: each exit is seen as signal 9 and the policy brings it back to ready', async () => {
    // --no-mmap copies the weights in: a load of a second or more every time.
    const v = await startVigil({
      llm: { cmd: `llama-server -m ${models.large} -c 4096 --no-mmap --port \${PORT}`, restart: { policy: 'on-failure', backoff: { initial: '100ms' } } },
    });
    await v.until((b) => b.status === 'loading', 60_000);
    const loadingPid = v.view().pid!;
    process.kill(loadingPid, 'SIGKILL');
    await v.until((b) => isSigkill(b, loadingPid), 30_000);
    expect(v.view().lastExit).toMatchObject({ reaped: true, signalName: 'SIGKILL', oomKilled: false });

    await v.until((b) => b.status === 'ready' && b.pid !== loadingPid, 60_000);
    const readyPid = v.view().pid!;
    process.kill(readyPid, 'SIGKILL');
    await v.until((b) => isSigkill(b, readyPid), 30_000);
    await v.until((b) => b.status === 'ready' && b.pid !== readyPid, 60_000);
    expect(v.view().restarts).toBe(2);

    const exits = (await v.events()).filter((e) => e.kind === 'exit');
    expect(exits.map((e) => [e.pid, e.exit?.signal])).toEqual([[loadingPid, 9], [readyPid, 9]]);
    // The first died while loading, the second while ready; each went through backoff to a new start.
    const path = transitions(await v.events());
    expect(path).toEqual(['starting', 'loading', 'exited', 'backoff', 'starting', 'loading', 'ready', 'exited', 'backoff', 'starting', 'loading', 'ready']);
  }, 120_000);

  itLlama('restart policy never: kill -9 leaves a real zombie (Z) awaiting reap, and reap collects signal 9', async () => {
    const v = await startVigil({ llm: { cmd: `llama-server -m ${models.tiny} -c 4096 --port \${PORT}`, restart: { policy: 'never' } } });
    await v.until((b) => b.status === 'ready', 30_000);
    const pid = v.view().pid!;
    process.kill(pid, 'SIGKILL');
    await v.until((b) => b.status === 'exited', 30_000);
    expect(v.view()).toMatchObject({ awaitingReap: true, pid });
    expect(procState(pid)).toBe('Z');
    // It stays a zombie: nothing reaps behind the user's back.
    await new Promise((r) => setTimeout(r, 1500));
    expect(procState(pid)).toBe('Z');
    expect(v.view().status).toBe('exited');

    const r = await v.core.reap({ id: 'llm' });
    expect(r).toMatchObject({ ok: true, exit: { pid, signal: 9, signalName: 'SIGKILL', reaped: true } });
    expect(() => readFileSync(`/proc/${pid}/stat`)).toThrow(/ENOENT/);
    expect(v.view()).toMatchObject({ awaitingReap: false, lastExit: { signal: 9, reaped: true } });
  }, 180_000);

  itLlama('restart policy never: before reap, the exited backend already shows its signal (read with WNOWAIT)', async () => {
    const v = await startVigil({ llm: { cmd: `llama-server -m ${models.tiny} -c 4096 --port \${PORT}`, restart: { policy: 'never' } } });
    await v.until((b) => b.status === 'ready', 30_000);
    const pid = v.view().pid!;
    process.kill(pid, 'SIGKILL');
    await v.until((b) => b.status === 'exited', 30_000);
    expect(v.view().awaitingReap).toBe(true);
    expect(v.view().lastExit).toMatchObject({ pid, signal: 9, signalName: 'SIGKILL', reaped: false });
  }, 180_000);

  itLlama('a SIGSTOPped server is found unhealthy and restarted within unhealthy/restart probes plus the stop grace', async () => {
    const health = { interval: '500ms', timeout: '300ms', unhealthyAfter: 2, restartAfter: 4 };
    const graceMs = 1000;
    const v = await startVigil({
      llm: { cmd: `llama-server -m ${models.tiny} -c 4096 --port \${PORT}`, health, stop: { grace: `${graceMs}ms` } },
    });
    await v.until((b) => b.status === 'ready', 30_000);
    const pid = v.view().pid!;
    process.kill(pid, 'SIGSTOP');
    await v.until((b) => b.status === 'unhealthy', 30_000);
    expect(v.view().reason).toMatch(/process is stopped \(T\)/);
    expect(v.view().procState).toBe('stopped');
    await v.until((b) => b.pid !== pid && b.status === 'ready', 60_000);
    // The first probe after SIGSTOP marks it (by its state, T); restartAfter probes in all; then SIGTERM waits the
    // grace (a stopped process cannot act on it) and SIGKILL ends it. The journal says which path it took.
    const events = (await v.events()).filter((e) => e.pid === pid);
    expect(events.find((e) => e.kind === 'transition' && e.to === 'stopping')?.reason).toMatch(/^unresponsive: process is stopped \(T\) \(4 failed probes\)/);
    expect(events.find((e) => e.kind === 'exit')?.exit).toMatchObject({ signal: 9 });
  }, 180_000);

  itLlama('Stop ends a ready llama-server with SIGTERM well within its grace', async () => {
    const graceMs = 10_000;
    const v = await startVigil({ llm: { cmd: `llama-server -m ${models.tiny} -c 4096 --port \${PORT}`, stop: { grace: `${graceMs}ms` } } });
    await v.until((b) => b.status === 'ready', 30_000);
    const pid = v.view().pid!;
    const r = await v.core.stop({ id: 'llm' });
    expect(r.ok).toBe(true);
    expect(v.view()).toMatchObject({ status: 'stopped', pid: null, awaitingReap: false });
    // It ended on SIGTERM by itself (llama-server cleans up and exits), not by the SIGKILL that follows the grace.
    expect(v.view().lastExit).toMatchObject({ pid, reaped: true });
    expect(v.view().lastExit?.signal).not.toBe(9);
    expect(() => readFileSync(`/proc/${pid}/stat`)).toThrow(/ENOENT/);
  }, 180_000);
});
