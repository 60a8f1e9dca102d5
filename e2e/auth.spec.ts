// The host refuses API and WebSocket requests without the token.
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { startHost, type Host } from './support/host.js';

let host: Host | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (e) => reject(e));
  });
}

test('the API and the WebSocket answer 401 without the token', async ({ request }) => {
  host = await startHost({});
  const ws = host.origin.replace(/^http/, 'ws') + '/ws';
  expect(await upgradeStatus(ws)).toBe(401);
  expect(await upgradeStatus(`${ws}?token=wrong-${host.token}`)).toBe(401);
  expect(await upgradeStatus(`${ws}?token=${encodeURIComponent(host.token)}`)).toBe(101);

  const noToken = await request.get(`${host.origin}/api/state`, { headers: { cookie: '' } });
  expect(noToken.status()).toBe(401);
  const withToken = await request.get(`${host.origin}/api/state`, { headers: { authorization: `Bearer ${host.token}` } });
  expect(withToken.status()).toBe(200);
  expect(((await withToken.json()) as { backends: unknown[] }).backends).toEqual([]);
});
