// Backend lifecycle as the user sees it, against the real host and real processes.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { fakeLlama, startHost, type Host } from './support/host.js';
import { pidOf, recordStatuses, recordedStatuses, shot, waitNewPid } from './support/page.js';

let host: Host | null = null;
// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  await host?.stop();
  host = null;
});

test('a backend goes starting → loading → ready on screen', async ({ page }, info) => {
  host = await startHost({ llama: fakeLlama(['--load-ms', '3000'], { autostart: false, restart: { policy: 'always' } }) });
  await page.goto(host.url);
  const status = page.getByTestId('status-llama');
  await expect(status).toHaveText('stopped');
  await recordStatuses(page, 'llama');
  await page.getByRole('button', { name: 'Start llama', exact: true }).click();
  await expect(status).toHaveText('ready', { timeout: 30_000 });
  const seen = (await recordedStatuses(page, 'llama')).filter((s) => ['starting', 'loading', 'ready'].includes(s));
  // 'starting' can be shorter than a frame (the fixture listens at once); loading lasts 3 s.
  expect(seen.slice(-2)).toEqual(['loading', 'ready']);
  if (seen.length === 3) expect(seen[0]).toBe('starting');
  // The journal has every transition, including the brief ones.
  await page.getByRole('button', { name: 'Logs of llama', exact: true }).click();
  const events = page.getByTestId('events-llama');
  await expect(events).toContainText('starting → loading');
  await expect(events).toContainText('loading → ready');
  // The live tail shows the backend's own output, and the search narrows it.
  const log = page.getByTestId('log-llama');
  await expect(log).toContainText("main: loading model");
  await expect(log).toContainText('main: model loaded');
  await page.getByLabel('Filter log lines').fill('MODEL LOADED');
  await expect(log).toContainText('main: model loaded');
  await expect(log).not.toContainText('loading model');
  await page.getByLabel('Filter log lines').fill('');
  // Download is a Blob URL made in the page: it must pass the strict CSP.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download', exact: true }).click()]);
  expect(download.suggestedFilename()).toBe('llama.log');
  const file = info.outputPath('llama.log');
  await download.saveAs(file);
  expect(readFileSync(file, 'utf8')).toContain('main: model loaded');
  await shot(page, info, 'logs');
});

test('kill -9 shows the exit, the restart and the new pid', async ({ page }, info) => {
  host = await startHost({ llama: fakeLlama([], { restart: { policy: 'always' } }) });
  await page.goto(host.url);
  const pid = await waitNewPid(page, 'llama', null);
  process.kill(pid, 'SIGKILL');
  await expect(page.getByTestId('exit-llama')).toContainText(`pid ${pid} killed by SIGKILL`);
  const next = await waitNewPid(page, 'llama', pid);
  expect(next).not.toBe(pid);
  await expect(page.getByTestId('restarts-llama')).not.toHaveText('0');
  await shot(page, info, 'backends');
});

test('Restart asks for confirmation (Escape cancels) and gives a new pid', async ({ page }) => {
  host = await startHost({ llama: fakeLlama([], { restart: { policy: 'on-failure' } }) });
  await page.goto(host.url);
  const pid = await waitNewPid(page, 'llama', null);
  await page.getByRole('button', { name: 'Restart llama', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Restart llama?' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Restart llama', exact: true })).toBeFocused();
  expect(await pidOf(page, 'llama')).toBe(pid);

  await page.getByRole('button', { name: 'Restart llama', exact: true }).click();
  await dialog.getByRole('button', { name: 'Restart', exact: true }).click();
  const next = await waitNewPid(page, 'llama', pid);
  expect(next).not.toBe(pid);
});

test('with policy never an exited child waits to be reaped and Reap collects its exit code', async ({ page }) => {
  host = await startHost({ llama: fakeLlama(['--exit-immediately', '42'], { restart: { policy: 'never' } }) });
  await page.goto(host.url);
  await expect(page.getByTestId('status-llama')).toHaveText('exited', { timeout: 30_000 });
  await expect(page.getByTestId('awaiting-reap-llama')).toBeVisible();
  const reap = page.getByRole('button', { name: 'Reap llama', exact: true });
  await expect(reap).toBeEnabled();
  await reap.click();
  await expect(page.getByTestId('result-llama')).toContainText('exited with code 42');
  await expect(page.getByTestId('awaiting-reap-llama')).toBeHidden();
  await expect(reap).toBeDisabled();
});
