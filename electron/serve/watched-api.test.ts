// The watched-server actions across the API's surfaces: the zod schemas
// (one rule for IPC, WebSocket and REST), the REST routes with the same
// refusals the dashboard shows, and the Prometheus series.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_SCHEMAS } from '../common/api.js';
import { dispatch, RequestError, validateRequest } from '../host/dispatch.js';
import { backend, baseState, fakeService, type FakeService } from '../../test-support/fake-service.js';
import { watchedView } from '../../test-support/watch/views.js';
import { startServer, type RunningServer } from './server.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { Authorization: `Bearer ${TOKEN}` };

const running = watchedView({ pid: 41233, uid: 1000, manager: { pid: 4100, comm: 'bash', watchedId: null } });
const zombie = watchedView({ pid: 41300, status: 'zombie', exitedAt: 1, exitSeenLive: true, zombieSince: 1, zombieParent: { pid: 40990, comm: 'lemond', watchedId: null }, listen: [{ host: '127.0.0.1', port: 8081 }] });
const ollama = watchedView({ pid: 900, kind: 'ollama', label: 'Ollama', comm: 'ollama', uid: 998, unit: { name: 'ollama.service', scope: 'system', uid: null, sole: true }, listen: [{ host: '127.0.0.1', port: 11434 }], status: 'unhealthy' });
const gone = watchedView({ pid: 777, status: 'gone', listen: [] });

describe('watched-server requests', () => {
  it('take exactly { id: "w-<pid>-<start time>" }', () => {
    for (const name of ['stopWatched', 'restartWatchedUnit', 'adoptWatched'] as const) {
      expect(REQUEST_SCHEMAS[name]).not.toBeNull();
      expect(validateRequest(name, { id: 'w-41233-1000' })).toEqual({ id: 'w-41233-1000' });
      for (const [bad, field] of [[{ id: 'llama' }, 'id'], [{ id: 'w-0-1' }, 'id'], [{ id: 'w-1-1', force: true }, 'force'], [{}, 'id'], [null, null]] as const) {
        let err: unknown;
        try {
          validateRequest(name, bad);
        } catch (e) {
          err = e;
        }
        expect(err, JSON.stringify(bad)).toBeInstanceOf(RequestError);
        expect((err as RequestError).field, JSON.stringify(bad)).toBe(field);
      }
    }
  });

  it('dispatch reaches the service method of that name', async () => {
    const svc = fakeService(baseState([]));
    await dispatch(svc, 'adoptWatched', { id: 'w-5-6' });
    await dispatch(svc, 'restartWatchedUnit', { id: 'w-5-6' });
    expect(svc.calls).toEqual([{ method: 'adoptWatched', req: { id: 'w-5-6' } }, { method: 'restartWatchedUnit', req: { id: 'w-5-6' } }]);
  });
});

describe('REST and metrics for watched servers', () => {
  let svc: FakeService;
  let srv: RunningServer;
  let base: string;
  beforeEach(async () => {
    svc = fakeService({ ...baseState([backend('alpha')]), uid: 1000, watched: [running, zombie, ollama, gone] });
    srv = await startServer({ service: svc, token: TOKEN });
    base = `http://127.0.0.1:${srv.port}`;
  });
  afterEach(() => srv.close());

  const post = (p: string): Promise<Response> => fetch(base + p, { method: 'POST', headers: auth });

  it('GET /api/watched lists them; POST runs an offered action, 409 names why one is not, 404 for an unknown id', async () => {
    expect(((await (await fetch(`${base}/api/watched`, { headers: auth })).json()) as { id: string }[]).map((w) => w.id)).toEqual([running.id, zombie.id, ollama.id, gone.id]);
    const stop = await post(`/api/watched/${running.id}/stop`);
    expect(stop.status).toBe(200);
    expect(await stop.json()).toEqual({ ok: true, message: `stopWatched ${running.id}` });
    const adopt = await post(`/api/watched/${running.id}/adopt`);
    expect(adopt.status).toBe(200);

    // Never a reap or stop of a zombie: only its parent can collect it.
    const z = await post(`/api/watched/${zombie.id}/stop`);
    expect(z.status).toBe(409);
    expect(await z.json()).toEqual({ ok: false, message: 'it has already exited; only its parent lemond 40990 can reap it (if that parent ends, init reaps it)' });
    expect((await post(`/api/watched/${zombie.id}/reap`)).status).toBe(404);
    // Another user's process: Vigil (uid 1000) may not signal it, but systemctl may restart its unit.
    expect(await (await post(`/api/watched/${ollama.id}/stop`)).json()).toEqual({ ok: false, message: 'it runs as uid 998 and Vigil as uid 1000: only root may signal it' });
    const restart = await post(`/api/watched/${ollama.id}/restart`);
    expect(restart.status).toBe(200);
    expect((await post(`/api/watched/${running.id}/restart`)).status).toBe(409);

    expect((await post('/api/watched/w-1-1/stop')).status).toBe(404);
    const bad = await post('/api/watched/llama/stop');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { field: string }).field).toBe('id');
    expect(svc.calls.map((c) => c.method)).toEqual(['stopWatched', 'adoptWatched', 'restartWatchedUnit']);
  });

  it('/metrics: up, zombie and orphaned per live server, named by unit or label:port, not by pid; gone ones left out', async () => {
    const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    const lines = text.split('\n').filter((l) => l.startsWith('vigil_watched_'));
    expect(lines.sort()).toEqual(
      [
        'vigil_watched_up{server="llama-server:8080",kind="llama-server"} 1',
        'vigil_watched_up{server="llama-server:8081",kind="llama-server"} 0',
        'vigil_watched_up{server="ollama.service",kind="ollama"} 0',
        'vigil_watched_zombie{server="llama-server:8080"} 0',
        'vigil_watched_zombie{server="llama-server:8081"} 1',
        'vigil_watched_zombie{server="ollama.service"} 0',
        'vigil_watched_orphaned{server="llama-server:8080"} 0',
        'vigil_watched_orphaned{server="llama-server:8081"} 0',
        'vigil_watched_orphaned{server="ollama.service"} 0',
      ].sort(),
    );
  });
});
