// The dashboard with a real llama-server (the test bed's build and a ~1 GB
// random-weight model): it loads, becomes ready, is killed with SIGKILL, the
// card shows the exit, and the restart policy brings it back.
import { expect, test } from '@playwright/test';
import { evictFromPageCache, model } from '../test-support/llama/testbed.js';
import { startHost, type Host } from './support/host.js';
import { requireLlamaServer } from './support/llama.js';
import { recordedStatuses, recordStatuses, shot, waitNewPid } from './support/page.js';

let host: Host | null = null;
// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  await host?.stop();
  host = null;
});

test('a real llama-server loads to ready on the dashboard, is killed with SIGKILL, and comes back', async ({ page }, info) => {
  requireLlamaServer();
  test.setTimeout(240_000);
  const large = await model('large');
  host = await startHost({
    llm: { cmd: `llama-server -m ${large} -c 4096 --port \${PORT}`, autostart: false, restart: { policy: 'on-failure', backoff: { initial: '200ms' } } },
  });
  await page.goto(host.url);
  const status = page.getByTestId('status-llm');
  await expect(status).toHaveText('stopped');
  await recordStatuses(page, 'llm');
  // A cold load (as after boot) reads the model from disk: seconds of `loading` to see.
  evictFromPageCache(large);
  await page.getByRole('button', { name: 'Start llm', exact: true }).click();
  await expect(status).toHaveText('loading', { timeout: 30_000 });
  await shot(page, info, 'llama-server-loading');
  await expect(status).toHaveText('ready', { timeout: 60_000 });
  // 'starting' lasts until the server's socket answers 503: it can be shorter than one throttled push.
  const seen = (await recordedStatuses(page, 'llm')).filter((s) => s !== 'stopped');
  expect(seen.slice(-2)).toEqual(['loading', 'ready']);
  expect(seen.length === 3 ? seen[0] : 'starting').toBe('starting');
  const pid = await waitNewPid(page, 'llm', null);
  await shot(page, info, 'llama-server-ready');

  process.kill(pid, 'SIGKILL');
  await expect(page.getByTestId('exit-llm')).toContainText(`pid ${pid} killed by SIGKILL`);
  await shot(page, info, 'llama-server-killed');
  const next = await waitNewPid(page, 'llm', pid);
  expect(next).not.toBe(pid);
  await expect(page.getByTestId('restarts-llm')).toHaveText('1');
  // The exit stays on the card after the comeback.
  await expect(page.getByTestId('exit-llm')).toContainText(`pid ${pid} killed by SIGKILL`);
  await page.getByRole('button', { name: 'Logs of llm', exact: true }).click();
  await expect(page.getByTestId('log-llm')).toContainText('model loaded');
  await expect(page.getByTestId('events-llm')).toContainText('loading → ready');
  await shot(page, info, 'llama-server-back');
});
