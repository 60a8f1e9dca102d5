// Every view with real backends in the states a user meets: a real
// llama-server ready, one OOM-killed by the kernel in its memory limit and
// waiting to restart, one held after its restart limit, and one hung
// (SIGSTOP). A screenshot of each view is kept as a test artifact; the
// assertions check what those screenshots must not mislead about.
import { expect, test, type Page } from '@playwright/test';
import type { VigilState } from '../electron/common/state.js';
import { model } from '../test-support/llama/testbed.js';
import { startHost, type Host } from './support/host.js';
import { requireLlamaServer } from './support/llama.js';
import { requireOomCapability } from './support/privileged.js';
import { shot, waitNewPid } from './support/page.js';

let host: Host | null = null;
let stoppedPid: number | null = null;
// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  // A stopped process ignores SIGTERM until continued: let the host stop it normally.
  if (stoppedPid !== null) {
    try {
      process.kill(stoppedPid, 'SIGCONT');
    } catch {
      // already gone
    }
    stoppedPid = null;
  }
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  await host?.stop();
  host = null;
});

/** No figure on the page is a raw millisecond count of a duration ('20000 ms'); latencies under a second are fine. */
async function expectNoMsCounts(page: Page, view: string): Promise<void> {
  const text = await page.locator('body').innerText();
  expect(text.match(/\b\d{4,}(\.\d+)?\s?ms\b/g), `${view} view`).toBeNull();
}

async function getState(h: Host): Promise<VigilState> {
  return (await (await fetch(`${h.origin}/api/state`, { headers: { Authorization: `Bearer ${h.token}` } })).json()) as VigilState;
}

test('every view with a real llama-server ready, one OOM-killed, one failed and one hung', async ({ page }, info) => {
  requireLlamaServer();
  requireOomCapability();
  test.setTimeout(180_000);
  const [tiny, small] = await Promise.all([model('tiny'), model('small')]);
  host = await startHost({
    ready: { cmd: `llama-server -m ${small} -c 2048 --port \${PORT}`, restart: { policy: 'on-failure', backoff: { initial: '1m' } } },
    // --no-mmap copies the 88 MiB of weights into anonymous memory: more than the limit holds.
    oom: { cmd: `llama-server -m ${small} -c 4096 --no-mmap --port \${PORT}`, memoryLimit: '64MiB', restart: { policy: 'on-failure', backoff: { initial: '1m' } } },
    // A model path that does not exist: llama-server exits at once, every time.
    failed: { cmd: `llama-server -m /nonexistent/model.gguf --port \${PORT}`, restart: { policy: 'on-failure', backoff: { initial: '200ms' }, limit: { count: 1, window: '10m' } } },
    hung: { cmd: `llama-server -m ${tiny} -c 512 --port \${PORT}`, health: { interval: '500ms', timeout: '500ms', unhealthyAfter: 2, restartAfter: 10_000 } },
  }, 30_000);
  await page.goto(host.url);

  const readyPid = await waitNewPid(page, 'ready', null);
  const hungPid = await waitNewPid(page, 'hung', null);
  await expect(page.getByTestId('exit-oom')).toContainText('OOM-killed', { timeout: 60_000 });
  await expect(page.getByTestId('status-oom')).toHaveText('backoff');
  await expect(page.getByTestId('status-failed')).toHaveText('failed', { timeout: 30_000 });
  process.kill(hungPid, 'SIGSTOP');
  stoppedPid = hungPid;
  await expect(page.getByTestId('status-hung')).toHaveText('unhealthy');
  // A memory sample or two after the kill, before looking.
  await page.waitForTimeout(2500);

  // OOM-killed, waiting to restart: the kernel's figures on the exit; no memory shown as current; the plan as a delay, the countdown beside it.
  await expect(page.getByTestId('exit-oom')).toContainText(/OOM-killed \(anon RSS \d+(\.\d)? MiB\)/);
  await expect(page.getByTestId('pid-oom')).toHaveText('—');
  // The kernel's figure at the kill, as the past, against the limit (not a sample from before that reads as far below it).
  await expect(page.getByTestId('rss-oom')).toHaveText(/^at kill: \d+(\.\d)? MiB anon \/ 64\.0 MiB$/);
  await expect(page.getByTestId('reason-oom')).toHaveText(/^oom-killed \((kmsg|cgroup memory limit)\), killed by SIGKILL; restart after a 1m 00s backoff$/);
  await expect(page.getByTestId('next-start-oom')).toHaveText(/^\d\d:\d\d:\d\d \(in \d+s\)$/);
  await expect(page.getByTestId('life-oom')).toHaveText(/^\d+s ago$/);
  const oomPid = Number(/pid (\d+)/.exec((await page.getByTestId('exit-oom').textContent()) ?? '')?.[1]);
  // Failed: the limit in words, no process, no memory.
  await expect(page.getByTestId('reason-failed')).toHaveText(/^restart limit reached: 1 restart in 10m 00s \(last: exited with code 1(: model file not found: \S+)?\)$/);
  await expect(page.getByTestId('rss-failed')).toHaveText(/^(—|before exit: \d+(\.\d)? [KM]iB)$/);
  // Hung: alive (its memory is real) but its checks fail: no stale latency.
  await expect(page.getByTestId('health-hung')).toHaveText('failing');
  await expect(page.getByTestId('rss-hung')).toHaveText(/^\d+(\.\d)? MiB$/);
  await expect(page.getByTestId('pid-hung')).toHaveText(String(hungPid));
  await expect(page.getByTestId('health-ready')).toHaveText(/^\d+ ms$/);
  await expect(page.getByTestId('reason-ready')).toHaveText('health /health: 200'); // no second, stale latency beside the live one
  // The header counts every kind of trouble, not only the worst.
  await expect(page.getByTestId('aggregate')).toHaveText('1 down, 2 degraded of 4');
  await expectNoMsCounts(page, 'backends');
  await shot(page, info, 'backends');

  await page.getByTestId('nav-memory').click();
  await expect(page.getByTestId('chart-backends')).toBeVisible();
  await expectNoMsCounts(page, 'memory');
  await shot(page, info, 'memory');

  // The tab counts kills of this Vigil's backends (and system-wide ones), not every kill in other programs' limits since boot.
  const state = await getState(host);
  const concern = state.ooms.filter((k) => k.backend !== null || k.scope === 'global');
  expect(concern.filter((k) => k.backend === 'oom')).toHaveLength(1);
  await expect(page.getByTestId('oom-count')).toHaveText(` ${concern.length}`);
  await page.getByTestId('nav-ooms').click();
  // The kill is the kernel's record, attributed to its backend.
  await expect(page.getByTestId(`oom-backend-${oomPid}`)).toHaveText('oom');
  await expect(page.getByTestId(`oom-row-${oomPid}`)).toContainText('llama-server');
  await expectNoMsCounts(page, 'OOM');
  await shot(page, info, 'oom-timeline');

  for (const id of ['oom', 'failed', 'hung', 'ready']) {
    await page.getByTestId('nav-backends').click();
    await page.getByRole('button', { name: `Logs of ${id}`, exact: true }).click();
    await expect(page.getByTestId(`events-${id}`)).not.toBeEmpty();
    await expectNoMsCounts(page, `logs of ${id}`);
    await shot(page, info, `logs-${id}`);
  }
  // The log says where the process's output ends and why; the events do not repeat an exit's words.
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('oom');
  await expect(page.getByTestId('log-oom')).toContainText(/exited: pid \d+ oom-killed/);
  await page.getByRole('combobox', { name: 'Backend' }).selectOption('failed');
  await expect(page.getByTestId('log-failed')).toContainText('exited: pid');
  await expect(page.getByTestId('events-failed')).toContainText('exited with code 1');
  await expect(page.getByTestId('events-failed')).not.toContainText('— exited with code 1');

  // A backend killed after it held memory: in backoff its card shows no current memory, only the last sample as such.
  await page.getByTestId('nav-backends').click();
  await expect(page.getByTestId('rss-ready')).toHaveText(/^\d+(\.\d)? MiB$/);
  process.kill(readyPid, 'SIGKILL');
  await expect(page.getByTestId('status-ready')).toHaveText('backoff');
  await expect(page.getByTestId('pid-ready')).toHaveText('—');
  await expect(page.getByTestId('rss-ready')).toHaveText(/^before exit: \d+(\.\d)? MiB$/);
  await expect(page.getByTestId('health-ready')).toHaveText('—');
  await expect(page.getByTestId('life-ready')).toHaveText(/^\d+s ago$/);
  await expect(page.getByTestId('reason-ready')).toHaveText('killed by SIGKILL; restart after a 1m 00s backoff');
  await shot(page, info, 'backends-after-kill');
});
