// The kernel's OOM killer takes a backend that outgrows its cgroup limit; the
// timeline shows the kill with pid and RSS, attributed to the backend.
import { expect, test } from '@playwright/test';
import { fakeLlama, startHost, type Host } from './support/host.js';
import { requireOomCapability } from './support/privileged.js';
import { shot } from './support/page.js';

let host: Host | null = null;
// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  await host?.stop();
  host = null;
});

test('a backend over its 64 MiB limit is OOM-killed by the kernel and shown in the timeline', async ({ page }, info) => {
  requireOomCapability();
  host = await startHost({ hog: fakeLlama(['--grow-mb-per-sec', '50'], { memoryLimit: '64MiB', restart: { policy: 'never' } }) });
  await page.goto(host.url);
  // The hog may be killed before it ever reports ready (a loaded CI machine
  // starts it slowly), so take the pid from the exit the card shows.
  await expect(page.getByTestId('exit-hog')).toContainText('OOM-killed', { timeout: 45_000 });
  const exitText = (await page.getByTestId('exit-hog').textContent()) ?? '';
  const pid = Number(/pid (\d+)/.exec(exitText)?.[1] ?? NaN);
  expect(pid, `exit line: ${exitText}`).toBeGreaterThan(0);
  await page.getByTestId('nav-ooms').click();
  const row = page.getByTestId(`oom-row-${pid}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText(/\d+(\.\d)? MiB/); // anon RSS from the kernel line
  await expect(page.getByTestId(`oom-backend-${pid}`)).toHaveText('hog');
  await expect(row).toContainText('memcg');
  await shot(page, info, 'oom-timeline');
});
