// What Vigil learns of a real llama-server, through the core (createVigil)
// with backends written as users write them: its memory breakdown from its
// own log, its slots and throughput from its API, why it died, the
// generation probe against inference that hangs behind a healthy /health,
// and the llama gauges of Vigil's /metrics.
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect } from 'vitest';
import type { LlamaThroughput } from '../../electron/common/llama.js';
import { startServer } from '../../electron/serve/server.js';
import { waitFor } from '../helpers.js';
import { itLlama, itLlamaPrivileged } from './it-llama.js';
import { computeWorker, ptraceOthers, stallThread } from './stall.js';
import { llamaServerPath, missingLlamaServer, model } from './testbed.js';
import { cleanupVigils, startVigil } from './vigil-with-llama.js';

// `llama-server` on PATH, as on a user's machine: commands name it bare.
const bin = llamaServerPath().path;
if (bin) process.env.PATH = `${path.dirname(bin)}:${process.env.PATH ?? ''}`;

const MiB = 1024 * 1024;
let tiny = '';
beforeAll(async () => {
  if (!missingLlamaServer()) tiny = await model('tiny');
}, 120_000);
afterEach(cleanupVigils);

describe('what Vigil shows of a real llama-server', () => {
  itLlama('ready with its memory breakdown from its own log at -lv 4 and its slots; at the default verbosity no sizes, and the verbosity that says why', async () => {
    const v = await startVigil({
      lv4: { cmd: `llama-server -m ${tiny} -c 4096 -lv 4 --port \${PORT}` },
      plain: { cmd: `llama-server -m ${tiny} -c 4096 --port \${PORT}` },
    });
    for (const id of ['lv4', 'plain']) await v.until((b) => b.status === 'ready' && b.llama?.slots?.source === 'slots', 30_000, id);
    const b = v.view('lv4');
    const l = b.llama!;
    expect(l).toMatchObject({
      phase: 'listening',
      listenUrl: `http://127.0.0.1:${b.port}`,
      logVerbosity: 4,
      model: { path: tiny },
      contextSize: 4096,
      slots: { total: 4, busy: 0, contextPerSlot: 4096, source: 'slots' },
      endpoints: { props: 'available', slots: 'available', metrics: 'absent' },
      throughput: null,
      deathReason: null,
    });
    expect(l.memory).toEqual([expect.objectContaining({ device: 'Host', host: true, source: 'log' })]);
    const host = l.memory[0]!;
    expect(host.weights).toBeGreaterThan(7 * MiB);
    expect(host.kv).toBeGreaterThan(0);
    expect(host.compute).toBeGreaterThan(0);
    expect(l.kvCaches).toEqual([expect.objectContaining({ cells: 4096, typeK: 'f16', typeV: 'f16', bytes: host.kv })]);

    const plain = v.view('plain').llama!;
    expect(plain).toMatchObject({ phase: 'listening', logVerbosity: 3, memory: [], kvCaches: [], slots: { total: 4, busy: 0 } });
  }, 180_000);

  itLlama('with --metrics: requests and throughput after a completion, busy slots from /metrics', async () => {
    const v = await startVigil({ llm: { cmd: `llama-server -m ${tiny} -c 4096 --metrics --port \${PORT}`, health: { interval: '500ms' } } });
    // Once /metrics answers, /slots is not read any more: requests_processing says how many are busy.
    await v.until((b) => b.status === 'ready' && b.llama?.slots?.source === 'metrics', 30_000);
    expect(v.view().llama).toMatchObject({ endpoints: { metrics: 'available' }, slots: { total: 4, busy: 0, source: 'metrics' }, throughput: { requestsProcessing: 0, requestsDeferred: 0, generatedTokensTotal: 0 } });
    let after: LlamaThroughput | null = null;
    let promptRate = 0;
    const off = v.core.subscribe((s) => {
      const t = s.backends[0]?.llama?.throughput;
      if (after || !t) return;
      promptRate = Math.max(promptRate, t.promptTokensPerSec ?? 0);
      if ((t.generatedTokensTotal ?? 0) >= 8) after = t;
    });
    try {
      // Greedy: a random model's sampled output now and then fails the server's own output check (HTTP 500).
      const res = await fetch(`http://127.0.0.1:${v.view().port}/completion`, { method: 'POST', body: JSON.stringify({ prompt: 'Hello there', n_predict: 8, temperature: 0 }) });
      expect(res.status, await res.clone().text()).toBe(200);
      const seen = await waitFor(() => after, 10_000, 'a /metrics read after the completion');
      // The read that saw the last token also saw the server's generation rate over the interval it was
      // made in; the prompt may have been read out in the interval before.
      expect(seen.generatedTokensTotal).toBe(8);
      expect(seen.promptTokensTotal).toBeGreaterThan(0);
      expect(seen.generatedTokensPerSec).toBeGreaterThan(0);
      expect(promptRate).toBeGreaterThan(0);
    } finally {
      off();
    }
  }, 180_000);

  itLlama('a missing model file: the exit reads "exited with code 1: model file not found: …" and the view keeps the reason by that exit', async () => {
    const missing = path.join(tmpdir(), `vigil-no-such-model-${process.pid}.gguf`);
    const v = await startVigil({
      llm: { cmd: `llama-server -m ${missing} --port \${PORT}`, restart: { policy: 'on-failure', backoff: { initial: '100ms' }, limit: { count: 3, window: '1m' } } },
    });
    await v.until((b) => b.status === 'failed', 60_000);
    const exits = (await v.events()).filter((e) => e.kind === 'exit');
    expect(exits.map((e) => e.exit?.code)).toEqual([1, 1, 1, 1]);
    // llama-server now and then loses the log lines still queued when it exits at once: most runs say it, not always all.
    const explained = exits.filter((e) => e.reason === `exited with code 1: model file not found: ${missing}`);
    expect(explained.length, exits.map((e) => e.reason).join('\n')).toBeGreaterThan(0);
    const b = v.view();
    expect(b.llama?.lastDeath).toMatchObject({ pid: explained.at(-1)!.pid, reason: { kind: 'model-missing', summary: `Model file not found: ${missing}` } });
    expect(b.reason).toMatch(/model file not found/);
  }, 180_000);

  itLlama('health.generate and a SIGSTOPped server: the health path finds it first (its /health times out, /proc says T)', async () => {
    const v = await startVigil({
      llm: {
        cmd: `llama-server -m ${tiny} -c 4096 --port \${PORT}`,
        health: { interval: '500ms', timeout: '300ms', unhealthyAfter: 2, restartAfter: 1000, generate: { every: '1s', timeout: '2s' } },
      },
    });
    await v.until((b) => b.status === 'ready' && b.llama?.lastProbe?.outcome === 'ok', 30_000);
    const pid = v.view().pid!;
    process.kill(pid, 'SIGSTOP');
    try {
      await v.until((b) => b.status === 'unhealthy', 30_000);
      // Tick work runs only after a good /health answer, so the generation probe has no say here.
      expect(v.view().reason).toMatch(/^process is stopped \(T\) \(1 failed probe\)$/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await v.until((b) => b.status === 'ready', 30_000);
    expect(v.view().pid).toBe(pid);
  }, 180_000);

  itLlamaPrivileged('health.generate finds a server whose inference hangs while its /health answers: unhealthy by the generation probe, ready once it runs again', ptraceOthers, async () => {
    const v = await startVigil({
      llm: {
        cmd: `llama-server -m ${tiny} -c 4096 --port \${PORT}`,
        health: { interval: '500ms', timeout: '1s', unhealthyAfter: 2, restartAfter: 1000, generate: { every: '1s', timeout: '2s' } },
      },
    });
    await v.until((b) => b.status === 'ready' && b.llama?.lastProbe?.outcome === 'ok', 30_000);
    const { pid, port } = v.view();
    const stall = await stallThread(computeWorker(pid!));
    try {
      await v.until((b) => b.status === 'unhealthy', 60_000);
      expect(v.view().reason).toMatch(/^generation probe: no token within 2000 ms \(2 failed probes\)$/);
      // The server's own health check still says all is well, and the process is not stopped.
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
      expect(v.view().procState).not.toBe('stopped');
      // The failure stands while later probes are skipped: the hung request keeps its slot busy.
      await new Promise((r) => setTimeout(r, 1500));
      expect(v.view().status).toBe('unhealthy');
    } finally {
      await stall.release();
    }
    await v.until((b) => b.status === 'ready', 60_000);
    expect(v.view()).toMatchObject({ pid, llama: { lastProbe: { outcome: 'ok' } } });
  }, 180_000);

  itLlama("Vigil's /metrics carries the llama gauges of a running server", async () => {
    const v = await startVigil({ llm: { cmd: `llama-server -m ${tiny} -c 4096 -lv 4 --metrics --port \${PORT}` } });
    await v.until((b) => b.status === 'ready' && b.llama?.endpoints.metrics === 'available' && b.llama.memory.length > 0, 30_000);
    const srv = await startServer({ service: v.core, rendererDir: v.dir });
    try {
      const text = await (await fetch(`http://127.0.0.1:${srv.port}/metrics`, { headers: { Authorization: `Bearer ${srv.token}` } })).text();
      const value = (series: string): number | undefined => {
        const line = text.split('\n').find((l) => l.startsWith(`${series} `));
        return line === undefined ? undefined : Number(line.slice(series.length + 1));
      };
      expect(value('vigil_llama_slots_total{backend="llm"}')).toBe(4);
      expect(value('vigil_llama_slots_busy{backend="llm"}')).toBe(0);
      expect(value('vigil_llama_requests_processing{backend="llm"}')).toBe(0);
      expect(value('vigil_llama_requests_deferred{backend="llm"}')).toBe(0);
      expect(value('vigil_llama_tokens_per_second{backend="llm",kind="prompt"}')).toBeGreaterThanOrEqual(0);
      expect(value('vigil_llama_tokens_per_second{backend="llm",kind="generated"}')).toBeGreaterThanOrEqual(0);
      expect(value('vigil_llama_memory_bytes{backend="llm",device="Host",part="weights"}')).toBeGreaterThan(7 * MiB);
      expect(value('vigil_llama_memory_bytes{backend="llm",device="Host",part="kv"}')).toBe(v.view().llama!.memory[0]!.kv);
      // This build exports no KV cache ratio: the gauge is not invented.
      expect(text).not.toMatch(/^vigil_llama_kv_usage_ratio\{/m);
    } finally {
      await srv.close();
    }
  }, 180_000);
});
