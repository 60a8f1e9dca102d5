// A backend stopped by a command (stop.cmd) instead of a signal: real
// processes, real signals, the command's own exit collected.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, makeHarness, waitUntil, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

describe('stop.cmd', () => {
  it('runs the command with ${PID} and ${PORT} filled in, and does not send the stop signal', async () => {
    // The stop signal is SIGKILL: had it been sent, the exit would say signal 9.
    h = makeHarness(fakeBackend('sc', [], { stop: { signal: 'SIGKILL', graceMs: 5000, cmd: [] } }));
    const out = path.join(h.dir, 'stop-args');
    const script = "require('fs').writeFileSync(process.argv[1], process.argv.slice(2).join(' ')); process.kill(Number(process.argv[2]), 'SIGTERM')";
    h.sup.setConfig({ ...h.sup.config, stop: { signal: 'SIGKILL', graceMs: 5000, cmd: [process.execPath, '-e', script, out, '${PID}', '${PORT}'] } });
    await h.sup.start();
    await h.waitFor('ready');
    const { pid, port } = h.sup.snapshot();
    const r = await h.sup.stop();
    expect(r).toMatchObject({ ok: true, message: 'stopped (killed by SIGTERM)' });
    expect(readFileSync(out, 'utf8')).toBe(`${pid} ${port}`);
    expect(h.sup.snapshot()).toMatchObject({ status: 'stopped', pid: null, lastExit: { pid, signal: 15, reaped: true } });
  });

  it('a command that does not stop the backend: SIGKILL to the group after the grace', async () => {
    h = makeHarness(fakeBackend('sg', [], { stop: { signal: 'SIGTERM', graceMs: 400, cmd: ['true'] } }));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    const t0 = Date.now();
    await h.sup.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(390);
    expect(h.sup.snapshot().lastExit).toMatchObject({ pid, signal: 9, reaped: true });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(h.transitions().slice(-2).map((t) => [t.to, t.reason])).toEqual([['stopping', 'stopped by user'], ['stopped', 'stopped by user']]);
  });

  it('a command that cannot start: said so, and the stop signal is sent instead', async () => {
    h = makeHarness(fakeBackend('sm', [], { stop: { signal: 'SIGTERM', graceMs: 3000, cmd: ['/nonexistent/stopper', '${PID}'] } }));
    await h.sup.start();
    await h.waitFor('ready');
    await h.sup.stop();
    expect(h.sup.snapshot().lastExit).toMatchObject({ signal: 15 });
    expect(h.events.some((e) => e.kind === 'system' && /^stop command could not be started \(.*\/nonexistent\/stopper.*\); sending SIGTERM instead$/.test(e.reason))).toBe(true);
  });

  it('a command that fails after doing its job: its exit code is reported', async () => {
    h = makeHarness(fakeBackend('sf', [], { stop: { signal: 'SIGKILL', graceMs: 3000, cmd: ['sh', '-c', 'kill -TERM "$1"; exit 3', 'sh', '${PID}'] } }));
    await h.sup.start();
    await h.waitFor('ready');
    await h.sup.stop();
    expect(h.sup.snapshot().lastExit).toMatchObject({ signal: 15 });
    await waitUntil(() => h!.events.some((e) => e.kind === 'system' && e.reason === 'stop command sh exited with code 3'), 30_000);
  });
});
