import { request } from 'node:http';
import path from 'node:path';
import { afterAll, afterEach, describe, expect } from 'vitest';
import { tempDir, waitFor } from '../../../test-support/helpers.js';
import { itRealLlama, startRealServer, tinyModel, type RealServer } from '../../../test-support/llama/real-llama.js';
import { runGenerationProbe } from './generation-probe.js';
import { LlamaServerApi } from './server-api.js';

/**
 * Starts a long completion and returns how to abandon it. Streamed, so the
 * server notices the closed connection at its next token and frees the slot.
 */
/**
 * A long streamed completion that keeps one slot busy until abandoned. With
 * random weights llama-server now and then ends a sampled completion early
 * (HTTP 500: output "does not match the expected Content-only format"), so
 * one that ends is sent again until abandoned.
 */
function longCompletion(port: number): { abandon(): void; sent(): number } {
  let req: ReturnType<typeof request> | null = null;
  let abandoned = false;
  let count = 0;
  const send = (): void => {
    if (abandoned) return;
    count++;
    const r = request({ host: '127.0.0.1', port, path: '/completion', method: 'POST', headers: { 'Content-Type': 'application/json' } });
    req = r;
    r.on('error', () => {});
    r.on('response', (res) => {
      res.on('end', () => setTimeout(send, 50));
      res.resume();
    });
    r.end(JSON.stringify({ prompt: 'Once upon a time', n_predict: 2000, ignore_eos: true, stream: true }));
  };
  send();
  return {
    abandon: () => {
      abandoned = true;
      req?.destroy();
    },
    sent: () => count,
  };
}

describe('generation probe, against the real server', () => {
  const tmp = tempDir('vigil-llama-gen-');
  let server: RealServer | null = null;
  afterEach(async () => {
    await server?.kill();
    server = null;
  });
  afterAll(() => tmp.cleanup());

  itRealLlama('an idle server generates one token', async () => {
    server = await startRealServer(['-m', await tinyModel(), '-c', '2048', '-np', '2'], path.join(tmp.dir, 'idle.log'));
    const api = new LlamaServerApi({ port: server.port });
    const p = await runGenerationProbe({ port: server.port, timeoutMs: 20_000, api });
    expect(p).toMatchObject({ outcome: 'ok', detail: expect.stringMatching(/^generated 1 token in \d+ ms$/) });
    expect(p.latencyMs).toBeGreaterThan(0);
    await waitFor(() => /processing task/.test(server!.log()), 30_000, 'the completion in the server log');
  }, 180_000);

  itRealLlama('is skipped while a slot is busy, and runs once it is free', async () => {
    server = await startRealServer(['-m', await tinyModel(), '-c', '4096', '-np', '2'], path.join(tmp.dir, 'busy.log'));
    const port = server.port;
    const api = new LlamaServerApi({ port });
    const long = longCompletion(port);
    let last = '';
    await waitFor(async () => {
      const s = await api.slots();
      last = JSON.stringify(s);
      return s.ok && s.value.busy > 0;
    }, 20_000, 'the long completion to take a slot').catch((e: Error) => {
      throw new Error(`${e.message}; last /slots: ${last}; server log:\n${server!.log().slice(-3000)}`);
    });
    const p = await runGenerationProbe({ port, timeoutMs: 20_000, api });
    expect(p).toEqual({ at: expect.any(Number), outcome: 'skipped', latencyMs: null, detail: '1 of 2 slots busy' });
    long.abandon();
    await waitFor(async () => {
      const s = await api.slots();
      return s.ok && s.value.busy === 0;
    }, 20_000, 'the abandoned completion to free its slot');
    expect(await runGenerationProbe({ port, timeoutMs: 20_000, api })).toMatchObject({ outcome: 'ok' });
    // The server saw the long completion(s) and the probe that ran; the skipped one sent none.
    // (Its log is written by a worker thread, a moment late.)
    const tasks = (): number => (server!.log().match(/processing task/g) ?? []).length;
    const expected = long.sent() + 1;
    await waitFor(() => tasks() >= expected, 30_000, 'every completion in the log');
    // One more probe, logged after anything sent before it: once its line is there, nothing else came.
    expect(await runGenerationProbe({ port, timeoutMs: 20_000, api })).toMatchObject({ outcome: 'ok' });
    await waitFor(() => tasks() >= expected + 1, 30_000, 'the last probe in the log');
    expect(tasks()).toBe(expected + 1);
  }, 180_000);

  itRealLlama('uses /metrics requests_processing to see a busy server when /slots is disabled', async () => {
    server = await startRealServer(['-m', await tinyModel(), '-c', '4096', '-np', '2', '--no-slots', '--metrics'], path.join(tmp.dir, 'metrics.log'));
    const api = new LlamaServerApi({ port: server.port });
    const long = longCompletion(server.port);
    await waitFor(async () => {
      const m = await api.metrics();
      return m.ok && (m.value.requestsProcessing ?? 0) > 0;
    }, 20_000, 'requests_processing > 0');
    expect(await runGenerationProbe({ port: server.port, timeoutMs: 20_000, api })).toMatchObject({ outcome: 'skipped', detail: '1 request processing' });
    expect(api.endpoints.slots).toBe('absent');
    long.abandon();
  }, 180_000);

  itRealLlama('a stopped (SIGSTOP) server: the probe fails within its timeout', async () => {
    server = await startRealServer(['-m', await tinyModel(), '-c', '2048'], path.join(tmp.dir, 'stopped.log'));
    const api = new LlamaServerApi({ port: server.port });
    expect(await runGenerationProbe({ port: server.port, timeoutMs: 20_000, api })).toMatchObject({ outcome: 'ok' });
    server.signal('SIGSTOP');
    const t0 = performance.now();
    const p = await runGenerationProbe({ port: server.port, timeoutMs: 1500, api });
    const took = performance.now() - t0;
    // The /slots read's own 1500 ms ended it (its detail says so), not a completion's longer wait.
    expect(p).toMatchObject({ outcome: 'failed', detail: "/slots: timeout after 1500 ms (the server's main loop did not answer)" });
    expect(took).toBeGreaterThanOrEqual(1400);
  }, 180_000);

  itRealLlama('a server that offers neither /slots nor /metrics is probed, and a stopped one times out on the completion itself', async () => {
    server = await startRealServer(['-m', await tinyModel(), '-c', '2048', '--no-slots'], path.join(tmp.dir, 'bare.log'));
    const api = new LlamaServerApi({ port: server.port });
    expect(await runGenerationProbe({ port: server.port, timeoutMs: 20_000, api })).toMatchObject({ outcome: 'ok' });
    expect(api.endpoints).toMatchObject({ slots: 'absent', metrics: 'absent' });
    server.signal('SIGSTOP');
    expect(await runGenerationProbe({ port: server.port, timeoutMs: 1000, api })).toMatchObject({ outcome: 'failed', detail: 'no token within 1000 ms' });
  }, 180_000);
});
