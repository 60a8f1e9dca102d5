// First run, memory charts, the card's figures in backoff, a page with no
// failing request, and the disconnected banner, with screenshots of each view.
import { expect, test, type Page } from '@playwright/test';
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
  await page.getByLabel('Id', { exact: true }).fill('bad id!');
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
  await expect(page.getByTestId('chart-system')).toBeVisible();
  await expect(page.getByTestId('chart-backends')).toBeVisible();
  await shot(page, info, 'memory');
});

/** Every response ≥ 400, failed request and console error the page causes from now on. */
function watchFailures(page: Page): string[] {
  const failures: string[] = [];
  page.on('response', (r) => void (r.status() >= 400 && failures.push(`${r.status()} ${r.request().method()} ${r.url()}`)));
  page.on('requestfailed', (r) => void failures.push(`failed ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? ''}`));
  page.on('console', (m) => void (m.type() === 'error' && failures.push(`console: ${m.text()}`)));
  page.on('pageerror', (e) => void failures.push(`page error: ${e.message}`));
  return failures;
}

test('a backend in backoff shows time since its exit and a countdown; no request of any view fails', async ({ page }, info) => {
  const failures = watchFailures(page);
  host = await startHost({ llama: fakeLlama(['--exit-immediately', '3'], { restart: { policy: 'always', backoff: { initial: '30s' } } }) });
  await page.goto(host.url);
  await expect(page.getByTestId('status-llama')).toHaveText('backoff', { timeout: 30_000 });
  // No process runs, so no uptime: the time since the exit instead, and the next start as a countdown.
  const life = page.getByTestId('life-llama');
  await expect(life).toHaveText(/^\d+s ago$/);
  await expect(page.locator('.fact', { has: life }).locator('dt')).toHaveText('Exited');
  await expect(page.getByTestId('next-start-llama')).toHaveText(/^\d\d:\d\d:\d\d \(in [1-3]?\ds\)$/);
  // The command table: Start, Stop and Restart are accepted in backoff; Reap waits for a zombie.
  for (const b of ['Start', 'Stop', 'Restart']) await expect(page.getByRole('button', { name: `${b} llama`, exact: true })).toBeEnabled();
  await expect(page.getByRole('button', { name: 'Reap llama', exact: true })).toBeDisabled();
  await shot(page, info, 'backoff');
  for (const view of ['memory', 'ooms', 'logs', 'backends']) {
    await page.getByTestId(`nav-${view}`).click();
    await expect(page.getByTestId(`nav-${view}`)).toHaveAttribute('aria-current', 'page');
  }
  // Let late requests (the icon, history polls) finish before judging.
  await page.waitForLoadState('networkidle');
  expect(failures).toEqual([]);
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
