// First run, memory charts and the disconnected banner, with screenshots of each view.
import { expect, test } from '@playwright/test';
import { fakeLlama, startHost, type Host } from './support/host.js';
import { shot, waitNewPid } from './support/page.js';

let host: Host | null = null;
test.afterEach(async () => {
  await host?.stop();
  host = null;
});

test('first run: no backends shows how to add one, and the form names bad fields', async ({ page }, info) => {
  host = await startHost({});
  await page.goto(host.url);
  await expect(page.getByTestId('first-run')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Open config file', exact: true })).toBeVisible();
  await page.getByLabel('Id').fill('bad id!');
  await page.getByRole('button', { name: 'Add backend', exact: true }).click();
  await expect(page.locator('#e-id')).toContainText('backend id');
  await expect(page.locator('#e-argv')).toContainText('command');
  await shot(page, info, 'first-run');
});

test('OOM view names the kernel-log source in use', async ({ page }, info) => {
  host = await startHost({});
  await page.goto(host.url);
  await page.getByTestId('nav-ooms').click();
  const source = page.getByTestId('oom-source');
  await expect(source).toHaveText(/^(kmsg|journal|cgroup|none)$/);
  // The header badge and the view agree on the source.
  await expect(page.getByTestId('kernel-log-source')).toHaveText(`OOM source: ${await source.textContent()}`);
  await shot(page, info, 'oom-timeline');
});

test('memory view shows system memory and draws charts from the host history', async ({ page }, info) => {
  host = await startHost({ llama: fakeLlama() });
  await page.goto(host.url);
  await waitNewPid(page, 'llama', null);
  await page.getByTestId('nav-memory').click();
  await expect(page.getByTestId('memory-now')).toContainText('RAM used');
  await expect(page.getByTestId('chart-system')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('chart-backends')).toBeVisible({ timeout: 20_000 });
  await shot(page, info, 'memory');
});

test('a lost connection is shown as stale data, not hidden', async ({ page }, info) => {
  host = await startHost({});
  await page.goto(host.url);
  await expect(page.getByTestId('connection')).toHaveText('connected');
  await host.stop();
  host = null;
  await expect(page.getByTestId('disconnected-banner')).toContainText(/Disconnected — data is stale since \d\d:\d\d:\d\d/);
  await shot(page, info, 'disconnected');
});
