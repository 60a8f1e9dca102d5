// "Will it fit?" on the dashboard, with the real llama-server: predictions on
// the cards before anything starts, a fitting run's measurement, a won't-load
// run that the kernel kills in its memory limit with the advice on its card
// and in the OOM timeline, a refused start and "Start anyway", and the
// add-backend form's prediction for what is typed.
import { expect, test } from '@playwright/test';
import { model } from '../test-support/llama/testbed.js';
import { startHost, type Host } from './support/host.js';
import { requireLlamaServer } from './support/llama.js';
import { shot } from './support/page.js';
import { requireOomCapability } from './support/privileged.js';

let host: Host | null = null;
// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  await host?.stop();
  host = null;
});

const once = { restart: { policy: 'never' }, autostart: false };

test('prediction before the start, measurement once ready, advice after an OOM kill, and Start anyway', async ({ page }, info) => {
  requireLlamaServer();
  requireOomCapability();
  test.setTimeout(180_000);
  const tiny = await model('tiny');
  const small = await model('small');
  host = await startHost({
    chat: { cmd: `llama-server -m ${tiny} -c 4096 --port \${PORT}`, ...once },
    longctx: { cmd: `llama-server -m ${small} -c 32768 --port \${PORT}`, memoryLimit: '256MiB', ...once },
    strict: { cmd: `llama-server -m ${small} -c 4096 --no-mmap --port \${PORT}`, memoryLimit: '64MiB', fit: { policy: 'refuse' }, ...once },
  });
  await page.goto(host.url);

  // Before any start: each card says what its llama-server would take here.
  await expect(page.getByTestId('fit-verdict-chat')).toHaveText('fits');
  await expect(page.getByTestId('fit-verdict-longctx')).toHaveText("won't load");
  await expect(page.getByTestId('fit-headline-longctx')).toHaveText(/^needs \d+ MiB \(\d+ MiB anon\), limit 256 MiB$/);
  await expect(page.getByTestId('fit-verdict-strict')).toHaveText("won't load");
  await page.getByTestId('fit-parts-longctx').locator('summary').click();
  await expect(page.getByTestId('fit-parts-longctx')).toContainText('KV cache');
  await shot(page, info, 'fit-before-start');

  // A fitting run: ready, and what it took beside the estimate.
  await page.getByRole('button', { name: 'Start chat', exact: true }).click();
  await expect(page.getByTestId('status-chat')).toHaveText('ready', { timeout: 60_000 });
  await expect(page.getByTestId('fit-measured-chat')).toHaveText(/^Measured: predicted \d+(\.\d)? MiB, took \d+(\.\d)? MiB \([+-]\d+ %\)$/);

  // Won't fit, started with policy warn: the kernel kills it in its limit, and the card says why and what would fit.
  await page.getByRole('button', { name: 'Start longctx', exact: true }).click();
  await expect(page.getByTestId('exit-longctx')).toContainText('OOM-killed', { timeout: 60_000 });
  const advice = page.getByTestId('fit-advice-longctx');
  await expect(advice).toContainText(/killed at \d+ MiB anon; weights .* \+ KV cache 256 MiB \+ compute .* at -c 32768 \(f16\); the memory limit is 256 MiB\. With a q4_0 KV cache, keeping -c 32768 it needs \d+ MiB/);
  const pid = Number(/pid (\d+)/.exec((await page.getByTestId('exit-longctx').textContent()) ?? '')?.[1] ?? NaN);
  await shot(page, info, 'fit-measured-and-advice');

  // Refused by its policy: nothing runs until the user starts it anyway.
  await page.getByRole('button', { name: 'Start strict', exact: true }).click();
  await expect(page.getByTestId('status-strict')).toHaveText('failed');
  await expect(page.getByTestId('reason-strict')).toContainText("start refused: fit: won't load");
  await expect(page.getByTestId('pid-strict')).toHaveText('—');
  await shot(page, info, 'fit-refused');
  await page.getByRole('button', { name: 'Start strict anyway', exact: true }).click();
  await expect(page.getByTestId('fit-strict')).toContainText('started anyway');
  await expect(page.getByTestId('exit-strict')).toContainText('OOM-killed', { timeout: 60_000 });

  // The advice is on the kill's entry in the OOM timeline too.
  await page.getByTestId('nav-ooms').click();
  await expect(page.getByTestId(`oom-advice-${pid}`)).toContainText('With a q4_0 KV cache, keeping -c 32768 it needs');
  await shot(page, info, 'fit-oom-timeline');
});

test('the add-backend form predicts for the model and flags as they are typed', async ({ page }, info) => {
  requireLlamaServer();
  const tiny = await model('tiny');
  host = await startHost({});
  await page.goto(host.url);
  await expect(page.getByTestId('first-run')).toBeVisible();
  await page.locator('#f-argv').fill(['llama-server', '-m', tiny, '-c', '4096', '--port', '${PORT}'].join('\n'));
  await expect(page.getByTestId('fit-preview-verdict')).toHaveText('fits');
  await expect(page.getByTestId('fit-preview')).toContainText(/needs \d+(\.\d)? MiB \(\d+(\.\d)? MiB anon\), \d+(\.\d)? GiB available/);
  await page.locator('#f-memoryLimit').fill('8MiB');
  await expect(page.getByTestId('fit-preview-verdict')).toHaveText("won't load");
  await expect(page.getByTestId('fit-preview')).toContainText('limit 8.0 MiB');
  await shot(page, info, 'fit-add-backend-form');
  await page.locator('#f-argv').fill(['whisper-server', '--port', '${PORT}'].join('\n'));
  await expect(page.getByTestId('fit-preview')).toContainText('no prediction');
  await expect(page.getByTestId('fit-preview')).toContainText('the command is whisper-server, not llama-server');
});
