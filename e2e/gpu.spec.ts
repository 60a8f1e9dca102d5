// GPU memory and GPU out-of-memory deaths as the user sees them, against the
// real headless host: NVML is the stand-in libnvidia-ml.so.1 (compiled here,
// loaded through the product's binding via VIGIL_NVML_LIBRARY), the GPU OOM
// a process that writes a CUDA allocation failure the way llama-server does.
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, test } from '@playwright/test';
import { fakeNvmlLibrary, scriptNvml } from '../test-support/nvml/fake-nvml.js';
import { ROOT } from './support/global-setup.js';
import { fakeLlama, startHost, type Host } from './support/host.js';
import { pidOf, shot } from './support/page.js';

const GiB = 2 ** 30;
const DEVICE = { name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-e2e', busId: '00000000:01:00.0', total: 24 * GiB, used: 6 * GiB };
let host: Host | null = null;
let dir = '';
test.beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-gpu-'));
  process.env.VIGIL_NVML_LIBRARY = fakeNvmlLibrary();
});
// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  await host?.stop();
  host = null;
  for (const k of ['VIGIL_NVML_LIBRARY', 'VIGIL_FAKE_NVML_SCRIPT', 'VIGIL_FAKE_NVML_LOG']) delete process.env[k];
  rmSync(dir, { recursive: true, force: true });
});

test("a backend's VRAM per device is on its card, and the GPU's free memory in the memory panel", async ({ page }, info) => {
  const script = path.join(dir, 'nvml');
  scriptNvml(script, { devices: [DEVICE] });
  host = await startHost({ llama: fakeLlama([], { restart: { policy: 'never' } }) });
  await page.goto(host.url);
  await expect(page.getByTestId('status-llama')).toHaveText('ready', { timeout: 30_000 });
  const pid = await pidOf(page, 'llama');
  expect(pid).not.toBeNull();
  // The stand-in re-reads its script on every call: now the backend holds 4 GiB on the card.
  scriptNvml(script, { devices: [DEVICE], processes: [{ device: 0, pid: pid!, bytes: 4 * GiB }] });
  await expect(page.getByTestId('gpu-llama')).toHaveText('nvidia0 VRAM 4.0 GiB', { timeout: 15_000 });
  const metrics = await (await fetch(`${host.origin}/metrics`, { headers: { authorization: `Bearer ${host.token}` } })).text();
  expect(metrics).toContain(`vigil_backend_gpu_memory_bytes{backend="llama",device="nvidia0",region="vram"} ${4 * GiB}`);
  await page.getByTestId('nav-memory').click();
  await expect(page.getByTestId('gpu-now-nvidia0')).toContainText('(18.0 GiB free)');
  await shot(page, info, 'gpu-card');
});

test('a CUDA out-of-memory death is a GPU OOM in the timeline with device and size, not a kernel kill', async ({ page }, info) => {
  scriptNvml(path.join(dir, 'nvml'), { devices: [DEVICE] });
  const fixture = path.join(ROOT, 'electron/core/llama/fixtures/gpu-oom-cuda-kv.log');
  host = await startHost({ llm: { cmd: ['sh', '-c', 'cat "$0"; exit 1', fixture], llama: true, health: { path: 'none' }, restart: { policy: 'never' } } });
  await page.goto(host.url);
  await expect(page.getByTestId('exit-llm')).toContainText('GPU out of memory: CUDA1 could not allocate 9.0 GiB', { timeout: 30_000 });
  const pid = Number(/pid (\d+)/.exec((await page.getByTestId('exit-llm').textContent()) ?? '')?.[1] ?? NaN);
  expect(pid).toBeGreaterThan(0);
  await page.getByTestId('nav-ooms').click();
  // The host also lists the machine's kernel OOM kills: this one is found by its pid.
  await expect(page.getByTestId(`oom-gpu-${pid}`)).toContainText('GPU CUDA1: asked for 9.0 GiB');
  await expect(page.getByTestId(`oom-row-${pid}`)).toContainText('itself (GPU allocation failed)');
  await expect(page.getByTestId(`oom-backend-${pid}`)).toHaveText('llm');
  await shot(page, info, 'gpu-oom');
});
