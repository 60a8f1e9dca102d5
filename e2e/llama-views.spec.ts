// What the dashboard shows of a real llama-server (the test bed's build and
// its random-weight models): the load, the memory breakdown from the
// server's own log, slots and throughput, the llama gauges of /metrics, and a
// death with the reason its log gives beside the kernel's view. Screenshots
// of each view are kept as test artifacts.
import path from 'node:path';
import { tmpdir } from 'node:os';
import { expect, test } from '@playwright/test';
import type { VigilState } from '../electron/common/state.js';
import { evictFromPageCache, model } from '../test-support/llama/testbed.js';
import { startHost, type Host } from './support/host.js';
import { requireLlamaServer } from './support/llama.js';
import { shot } from './support/page.js';

let host: Host | null = null;
// eslint-disable-next-line no-empty-pattern -- Playwright reads fixtures from a destructured first argument
test.afterEach(async ({}, info) => {
  if (host && info.status !== info.expectedStatus) await info.attach('host-output', { body: host.output(), contentType: 'text/plain' });
  await host?.stop();
  host = null;
});

const auth = (h: Host) => ({ headers: { Authorization: `Bearer ${h.token}` } });

test('a real llama-server on its card: the load, its memory from its own log, slots and throughput', async ({ page }, info) => {
  requireLlamaServer();
  test.setTimeout(240_000);
  const large = await model('large');
  host = await startHost({
    llm: { cmd: `llama-server -m ${large} -c 4096 -lv 4 --metrics --port \${PORT}`, autostart: false, health: { interval: '3s' } },
    // The same server at its default verbosity: no sizes in its log.
    plain: { cmd: `llama-server -m ${large} -c 2048 --port \${PORT}`, autostart: false },
  });
  await page.goto(host.url);
  await expect(page.getByTestId('status-llm')).toHaveText('stopped');
  // A cold load (as after boot) reads ~1 GB from disk: seconds of loading to see.
  evictFromPageCache(large);
  await page.getByRole('button', { name: 'Start llm', exact: true }).click();
  const phase = page.getByTestId('llama-phase-llm');
  await expect(phase).toHaveText(/Loading model/, { timeout: 30_000 });
  await shot(page, info, 'llama-loading');

  await expect(page.getByTestId('status-llm')).toHaveText('ready', { timeout: 60_000 });
  await expect(phase).toHaveText(/Serving on http:\/\/127\.0\.0\.1:\d+/);
  const memory = page.getByTestId('llama-mem-llm-Host');
  await expect(memory).toContainText('Host RAM');
  await expect(memory).toContainText('from its log');
  await expect(memory).toContainText(/weights 9\d\d MiB/);
  await expect(memory).toContainText(/KV cache [\d.]+ MiB \(4096 cells, f16\)/);
  await expect(memory).toContainText(/compute [\d.]+ MiB/);
  await expect(page.getByTestId('llama-slots-llm')).toHaveText('0 of 4 slots busy, 4096 tokens each');

  // A streamed completion keeps a slot busy until the client goes away: the card shows it at work.
  const state = (await (await fetch(`${host.origin}/api/state`, auth(host))).json()) as VigilState;
  const port = state.backends.find((b) => b.id === 'llm')!.port!;
  const completion = (body: Record<string, unknown>, signal?: AbortSignal) =>
    fetch(`http://127.0.0.1:${port}/completion`, { method: 'POST', body: JSON.stringify({ prompt: 'Once upon a time', temperature: 0, ignore_eos: true, ...body }), signal });
  const client = new AbortController();
  // Read as it comes: a client that stops reading is taken for gone and its request cancelled. With
  // random weights llama-server now and then ends a completion early (HTTP 500): send it again until aborted.
  const streaming = (async () => {
    while (!client.signal.aborted) {
      await completion({ n_predict: -1, stream: true }, client.signal)
        .then((r) => r.arrayBuffer())
        .catch(() => undefined);
    }
  })();
  const slots = page.getByTestId('llama-slots-llm');
  await expect(slots).toHaveText('1 of 4 slots busy, 4096 tokens each');
  await shot(page, info, 'llama-generating');
  client.abort();
  await streaming.catch(() => undefined);
  await expect(slots).toHaveText('0 of 4 slots busy, 4096 tokens each');

  // llama-server counts a request's generated tokens when it finishes, and its rates cover the interval
  // since Vigil's previous read (one health interval): the generation rate shows for one interval after.
  expect((await completion({ n_predict: 24 })).status).toBe(200);
  const throughput = page.getByTestId('llama-throughput-llm');
  await expect(throughput).toHaveText(/^generated [\d.]+ tok\/s(, prompt [\d.]+ tok\/s)?; tokens so far: \d+ prompt, \d+ generated$/);
  await shot(page, info, 'llama-ready-memory-throughput');

  // Vigil's own /metrics carries the same figures with the backend label.
  const metrics = await (await fetch(`${host.origin}/metrics`, auth(host))).text();
  expect(metrics).toMatch(/^vigil_llama_slots_total\{backend="llm"\} 4$/m);
  expect(metrics).toMatch(/^vigil_llama_memory_bytes\{backend="llm",device="Host",part="weights"\} \d+$/m);
  expect(metrics).toMatch(/^vigil_llama_tokens_per_second\{backend="llm",kind="generated"\} [\d.e+-]+$/m);

  // At the default verbosity the card says what /proc says, labelled, and offers the flag.
  await page.getByRole('button', { name: 'Start plain', exact: true }).click();
  await expect(page.getByTestId('status-plain')).toHaveText('ready', { timeout: 60_000 });
  await expect(page.getByTestId('llama-proc-plain')).toHaveText(/^Memory: RSS [\d.]+ \w+ \(anonymous .*, file-backed .*\), from \/proc; [\d.]+ \w+ \(anonymous .*, file-backed .*\), Vigil's fit estimate$/);
  await expect(page.getByTestId('llama-hint-plain')).toContainText('when llama-server runs with -lv 4');
  await expect(page.getByTestId('llama-memory-plain')).toHaveCount(0);
  await page.getByTestId('backend-plain').scrollIntoViewIfNeeded();
  await shot(page, info, 'llama-default-verbosity');
});

test('a llama-server that dies: the kernel\'s view of the exit and the reason from its own log', async ({ page }, info) => {
  requireLlamaServer();
  test.setTimeout(240_000);
  const missing = path.join(tmpdir(), `vigil-e2e-missing-${process.pid}.gguf`);
  host = await startHost({
    // Restarted a few times: llama-server now and then loses its last log lines when it exits at once.
    dead: { cmd: `llama-server -m ${missing} --port \${PORT}`, restart: { policy: 'on-failure', backoff: { initial: '3s', factor: 1 }, limit: { count: 4, window: '5m' } } },
  });
  await page.goto(host.url);
  const death = page.getByTestId('llama-death-dead');
  await expect(death).toContainText(`Its log says: Model file not found: ${missing}`, { timeout: 30_000 });
  await expect(death).toContainText(`failed to open GGUF file '${missing}' (No such file or directory)`);
  // Beside it, the kernel's view: the process exited with code 1 (no signal, no OOM kill).
  await expect(page.getByTestId('exit-dead')).toContainText('exited with code 1');
  await shot(page, info, 'llama-death-reason');
});
