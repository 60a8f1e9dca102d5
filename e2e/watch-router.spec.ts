// llama.cpp's router on the dashboard: the test bed's real llama-server with
// --models-dir, in a cgroup v1 memory cgroup, watched by `vigil serve`. Its
// card is a manager's: its models loaded and available, its children by
// alias with what the router says of each; when the kernel OOM-kills its
// child on a request, the router says "exited with status 1" and the card
// says what really happened beside it.
import { spawn, type ChildProcess } from 'node:child_process';
import { linkSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { llamaServerPath, model } from '../test-support/llama/testbed.js';
import { freePort } from './support/careless.js';
import { startHost, type Host } from './support/host.js';
import { requireLlamaServer } from './support/llama.js';
import { shot } from './support/page.js';
import { requireOomCapability } from './support/privileged.js';

const HEADROOM_MIB = 8;
let host: Host | null = null;
let router: ChildProcess | null = null;
let cgroup: string | null = null;
let models: string | null = null;

// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  router?.kill('SIGKILL');
  router = null;
  await host?.stop();
  host = null;
  if (cgroup) {
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
  if (models) rmSync(models, { recursive: true, force: true });
  models = null;
});

const card = (page: Page, pid: number): Locator => page.locator(`[data-testid^="watched-w-${pid}-"]`);

test('a llama.cpp router: its models and children by alias, and its "exited with status 1" beside the kernel\'s OOM kill of a child', async ({ page }, info) => {
  requireOomCapability();
  requireLlamaServer();
  test.setTimeout(120_000);

  models = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-router-'));
  const tiny = await model('tiny');
  try {
    linkSync(tiny, path.join(models, 'tiny.gguf'));
  } catch {
    copyFileSync(tiny, path.join(models, 'tiny.gguf'));
  }
  cgroup = `/sys/fs/cgroup/memory/vigil-e2e-router-${process.pid}`;
  mkdirSync(cgroup, { recursive: true });
  const port = await freePort();
  const argv = [llamaServerPath().path!, '--models-dir', models, '--host', '127.0.0.1', '--port', String(port), '-c', '4096', '-t', '1'];
  router = spawn('sh', ['-c', `echo $$ > "${cgroup}/cgroup.procs" && exec "$@"`, 'sh', ...argv], { stdio: 'ignore' });
  const routerPid = router.pid!;
  const url = `http://127.0.0.1:${port}`;
  await expect.poll(async () => fetch(`${url}/health`).then((r) => r.status, () => 0), { timeout: 30_000 }).toBe(200);

  // The host starts once the router runs: its first look reads every process.
  host = await startHost({});
  await page.goto(host.url);
  const c = card(page, routerPid);
  await expect(c).toBeVisible({ timeout: 20_000 });
  await expect(c.locator('h3')).toHaveText('llama.cpp router');
  await expect(c.locator('[data-testid^="manager-loaded-"]')).toHaveText('none', { timeout: 15_000 });
  await expect(c.locator('[data-testid^="manager-available-"]')).toHaveText('tiny');
  await expect(c.locator('[data-testid^="watched-model-"]')).toHaveCount(0); // no model of its own

  // A model loads: its child is listed under the router by alias, as the router says.
  const load = await fetch(`${url}/models/load`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ model: 'tiny' }) });
  expect(load.ok).toBe(true);
  await expect(c.locator('[data-testid^="manager-loaded-"]')).toHaveText('tiny', { timeout: 30_000 });
  const rows = c.locator('[data-testid^="manager-server-"]');
  await expect(rows).toHaveCount(1, { timeout: 15_000 });
  await expect(rows.first()).toContainText('tiny');
  await expect(rows.first()).toContainText('running');
  await expect(rows.first()).toContainText('loaded');
  const childPid = Number(await rows.first().locator('td').first().textContent());
  await expect(card(page, childPid).locator('[data-testid^="watched-model-"]')).toHaveText(`tiny (${path.join(models, 'tiny.gguf')})`);
  await c.scrollIntoViewIfNeeded();
  await shot(page, info, 'router-loaded');

  // The child's limit goes just above what the cgroup holds; a request that allocates more gets the child killed.
  const childPort = Number(/--port (\d+)/.exec(readFileSync(`/proc/${childPid}/cmdline`, 'utf8').split('\0').join(' '))![1]);
  const rss = Number(/^rss (\d+)$/m.exec(readFileSync(path.join(cgroup, 'memory.stat'), 'utf8'))![1]);
  writeFileSync(path.join(cgroup, 'memory.limit_in_bytes'), String(rss + HEADROOM_MIB * 1024 * 1024));
  const answer = await fetch(`http://127.0.0.1:${childPort}/tokenize`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ content: 'a '.repeat(1024 * 1024) }) }).then(
    (r) => `HTTP ${r.status}`,
    (e: Error) => e.message,
  );
  expect(answer, 'the request dies with the child').not.toMatch(/^HTTP/);

  // The router's account and the kernel's, side by side.
  const claims = c.locator('[data-testid^="manager-discrepancies-"]');
  await expect(claims).toContainText(new RegExp(`The router says tiny exited with status 1; the kernel killed its llama-server ${childPid} for memory (just now|\\d+s ago)\\.`), { timeout: 30_000 });
  await expect(rows.first()).toContainText('OOM-killed');
  await expect(rows.first()).not.toContainText('during its load'); // the router had called it loaded
  await expect(rows.first()).toContainText('exited with status 1');
  await expect(c.locator('[data-testid^="manager-kills-"]')).toContainText(`llama-server ${childPid}`);
  await expect(c.locator('[data-testid^="manager-loaded-"]')).toHaveText('none');
  await c.scrollIntoViewIfNeeded();
  await shot(page, info, 'router-claim-vs-kill');
});
