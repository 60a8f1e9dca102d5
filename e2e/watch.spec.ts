// Vigil's founding bug, seen from outside on the dashboard: a careless
// manager ("lemond") starts the test bed's real llama-server in a cgroup v1
// memory cgroup and never reaps it. Once the dashboard shows it serving, the
// cgroup's limit is set just above what the server holds, and a request that
// makes it allocate more gets it killed by the kernel's OOM killer. Vigil
// (`vigil serve`), which is not its parent, shows the zombie, its manager
// and the kill attributed to it; when the manager is killed and init reaps
// the zombie, the card says so.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { llamaServerPath, model } from '../test-support/llama/testbed.js';
import { freePort, startCareless, type CarelessManager } from './support/careless.js';
import { startHost, type Host } from './support/host.js';
import { requireLlamaServer } from './support/llama.js';
import { shot } from './support/page.js';
import { requireOomCapability } from './support/privileged.js';

/** Headroom above the server's resident memory: any sizeable allocation goes over. */
const HEADROOM_MIB = 8;
let host: Host | null = null;
let manager: CarelessManager | null = null;
let cgroup: string | null = null;

// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  if (manager && info.status !== info.expectedStatus) await info.attach('llama-server-output', { body: manager.output(), contentType: 'text/plain' });
  manager?.kill();
  manager = null;
  await host?.stop();
  host = null;
  if (cgroup) {
    // The cgroup empties once its processes are reaped (init does it within moments).
    for (let i = 0; i < 50; i++) {
      try {
        rmdirSync(cgroup);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    cgroup = null;
  }
});

/** The card of the watched server with this pid (its id is w-<pid>-<start time>). */
const card = (page: Page, pid: number): Locator => page.locator(`[data-testid^="watched-w-${pid}-"]`);

test('a llama-server OOM-killed under a careless manager: the dashboard shows the zombie, its manager and the kill, then init reaping it', async ({ page }, info) => {
  requireOomCapability();
  requireLlamaServer();
  test.setTimeout(240_000);
  const tiny = await model('tiny');

  cgroup = `/sys/fs/cgroup/memory/vigil-e2e-watch-${process.pid}`;
  mkdirSync(cgroup, { recursive: true });

  host = await startHost({});
  await page.goto(host.url);
  await expect(page.getByTestId('first-run')).toBeVisible(); // no backends: everything below is watched, not owned

  const port = await freePort();
  manager = await startCareless([llamaServerPath().path!, '-m', tiny, '-c', '4096', '--host', '127.0.0.1', '--port', String(port)], {
    comm: 'lemond',
    cgroupProcs: path.join(cgroup, 'cgroup.procs'),
  });
  const { pid, managerPid } = manager;
  const c = card(page, pid);
  const status = c.locator('[data-testid^="watched-status-"]');
  const line = c.locator('[data-testid^="watched-line-"]');
  // Found while it runs: its port from its socket, its model from its command line, its health from its own API.
  await expect(c).toBeVisible();
  await expect(c.locator('.tag')).toHaveText('watched');
  await expect(c.locator('[data-testid^="watched-health-"]')).toHaveText('HTTP 200 /health');
  await expect(status).toHaveText('running');
  await expect(c.locator('[data-testid^="watched-ports-"]')).toHaveText(String(port));
  await expect(c.locator('[data-testid^="watched-model-"]')).toHaveText(tiny);
  await expect(c.locator('[data-testid^="watched-manager-"]')).toHaveText(`lemond ${managerPid}`);
  await expect(c.getByRole('button', { name: `Stop llama-server ${pid}`, exact: true })).toBeEnabled();
  await c.scrollIntoViewIfNeeded();
  await shot(page, info, 'watch-running');

  // The limit goes just above what it holds; a request that allocates more gets it OOM-killed.
  const rss = Number(/^rss (\d+)$/m.exec(readFileSync(path.join(cgroup, 'memory.stat'), 'utf8'))![1]);
  writeFileSync(path.join(cgroup, 'memory.limit_in_bytes'), String(rss + HEADROOM_MIB * 1024 * 1024));
  const answer = await fetch(`http://127.0.0.1:${port}/tokenize`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: 'a '.repeat(1024 * 1024) }) }).then(
    (r) => `HTTP ${r.status}`,
    (e: Error) => e.message,
  );
  expect(answer, 'the request dies with the server').not.toMatch(/^HTTP/);

  // Killed, never reaped: a zombie, flagged with its parent, and the kernel's kill on it.
  await expect(status).toHaveText('zombie');
  await expect(c.locator('[data-testid^="watched-oom-"]')).toContainText('by the kernel OOM killer');
  // Seen through its pidfd as it happened: no "at least".
  await expect(line).toHaveText(new RegExp(`^llama-server ${pid} exited (just now|\\d+s ago) \\(OOM-killed\\); its parent lemond ${managerPid} has not reaped it$`));
  await expect(c.locator('[data-testid^="watched-manager-"]')).toHaveText(`lemond ${managerPid}`);
  await expect(c.locator('[data-testid^="watched-zombie-note-"]')).toHaveText(`Vigil cannot reap it: only its parent lemond ${managerPid} can, or init once that parent ends.`);
  // Only honest buttons: nothing to stop, nothing Vigil could reap.
  await expect(c.getByRole('button')).toHaveCount(0);
  await expect(page.getByRole('button', { name: /reap/i })).toHaveCount(0);
  // Its age grows while it waits (the line is re-read each second).
  await expect(line).toHaveText(/exited [1-9]\d*s ago/);
  // With no backends, the first screen and the header still say a watched server is in trouble.
  await expect(page.getByTestId('watched-problems')).toContainText('1 zombie');
  await expect(page.getByTestId('watched-problems')).toContainText('1 OOM kill');
  await expect(page.getByTestId('first-run-watched')).toContainText('1 zombie');
  expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/\) Z /); // really a zombie, as the card says
  await c.scrollIntoViewIfNeeded();
  await shot(page, info, 'watch-zombie');

  // The OOM timeline names the watched server the kernel's kill was attributed to.
  await page.getByTestId('nav-ooms').click();
  await expect(page.getByTestId(`oom-watched-${pid}`)).toHaveText(`watched: llama-server ${pid}`);
  await expect(page.getByTestId(`oom-row-${pid}`)).toContainText('memcg');
  await shot(page, info, 'watch-oom-timeline');

  // The manager dies; init inherits the zombie and reaps it; the card clears.
  await page.getByTestId('nav-backends').click();
  process.kill(managerPid, 'SIGKILL');
  await expect(status).toHaveText('gone');
  await expect(line).toHaveText(new RegExp(`^llama-server ${pid} exited \\d+s ago \\(OOM-killed\\); reaped by init \\(\\S+ 1\\), after its parent lemond ${managerPid} ended$`));
  await expect(c.locator('[data-testid^="watched-zombie-note-"]')).toHaveCount(0);
  await c.scrollIntoViewIfNeeded();
  await shot(page, info, 'watch-reaped');
});
