// The headless host around the real core and the fake llama-server: REST
// commands act on a real process, the WS client sees the transitions, logs
// and metrics reflect it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { CommandResult, LogChunk } from '../common/api.js';
import type { BackendStatus, VigilState } from '../common/state.js';
import type { ServerMessage } from '../common/ws-protocol.js';
import { FAKE_SERVER } from '../../test-support/supervisor-harness.js';
import { stateFollower } from '../../test-support/state-follower.js';
import { createVigil, type VigilCore } from '../core/vigil.js';
import { startServer, type RunningServer } from './server.js';

let dir: string;
let core: VigilCore;
let srv: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-serve-core-'));
  writeFileSync(path.join(dir, 'config.yaml'), `backends:
  fake:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}", --load-ms, "200"]
    health: { interval: 200ms, timeout: 500ms }
    stop: { grace: 2s }
  ghost:
    cmd: [/nonexistent/llama-server]
    health: { path: none }
    autostart: false
`);
  core = await createVigil({ configPath: path.join(dir, 'config.yaml'), stateDir: path.join(dir, 'state'), kmsgPath: null, journalctl: null });
  srv = await startServer({ service: core, rendererDir: dir });
});
afterAll(async () => {
  await srv?.close();
  await core?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve with the real core', () => {
  it('REST stop/start drive the real backend and the WS client sees each status', async () => {
    const auth = { Authorization: `Bearer ${srv.token}` };
    const base = `http://127.0.0.1:${srv.port}`;
    const seen: BackendStatus[] = [];
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws?token=${srv.token}`);
    const responses = new Map<number, ServerMessage>();
    const follower = stateFollower();
    ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      if (m.type === 'response') responses.set(m.id, m);
      const st = m.type === 'state' ? follower.apply(m).backends.find((b) => b.id === 'fake')?.status : undefined;
      if (st && seen.at(-1) !== st) seen.push(st);
    });
    const waitStatus = async (s: BackendStatus): Promise<void> => {
      const end = Date.now() + 30_000;
      while (seen.at(-1) !== s) {
        if (Date.now() > end) throw new Error(`never saw ${s}; saw ${seen.join(' → ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    await waitStatus('ready');

    const stop = (await (await fetch(`${base}/api/backends/fake/stop`, { method: 'POST', headers: auth })).json()) as CommandResult;
    expect(stop.ok).toBe(true);
    await waitStatus('stopped');
    const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(metrics).toContain('vigil_backend_state{backend="fake",state="stopped"} 1');

    const start = (await (await fetch(`${base}/api/backends/fake/start`, { method: 'POST', headers: auth })).json()) as CommandResult;
    expect(start.ok).toBe(true);
    await waitStatus('ready');
    expect(seen.slice(seen.indexOf('stopped'))).toContain('starting');

    const logs = (await (await fetch(`${base}/api/backends/fake/logs?lines=50`, { headers: auth })).json()) as LogChunk;
    expect(logs.lines.length).toBeGreaterThan(0);
    const state = (await (await fetch(`${base}/api/state`, { headers: auth })).json()) as VigilState;
    expect(state.backends.find((b) => b.id === 'fake')).toMatchObject({ id: 'fake', status: 'ready' });
    const unknown = await fetch(`${base}/api/backends/nope/start`, { method: 'POST', headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, message: "unknown backend 'nope'" });
    const again = await fetch(`${base}/api/backends/fake/start`, { method: 'POST', headers: auth });
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ ok: false, message: 'already running (ready)' });

    // What the dashboard gets over the WebSocket and shows as "start: <message>": no message may
    // name the action again ("start: start: …").
    let nextId = 1;
    const ask = async (method: string, payload: unknown): Promise<ServerMessage> => {
      const id = nextId++;
      ws.send(JSON.stringify({ type: 'request', id, method, payload }));
      const end = Date.now() + 30_000;
      while (!responses.has(id)) {
        if (Date.now() > end) throw new Error(`no response to ${method}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return responses.get(id)!;
    };
    expect(await ask('start', { id: 'fake' })).toMatchObject({ ok: true, result: { ok: false, message: 'already running (ready)' } });
    expect(await ask('start', { id: 'ghost' })).toMatchObject({ ok: true, result: { ok: false, message: 'spawn failed: ENOENT /nonexistent/llama-server' } });
    expect(await ask('reap', { id: 'ghost' })).toMatchObject({ ok: true, result: { ok: false, message: 'no exited child to reap' } });
    expect(await ask('stop', { id: 'nope' })).toMatchObject({ ok: true, result: { ok: false, message: "unknown backend 'nope'" } });
    const bad = await ask('start', { id: '../x' });
    expect(bad.type === 'response' && !bad.ok && bad.error).toMatch(/^field 'id': /);
    ws.close();
  }, 180_000);
});
