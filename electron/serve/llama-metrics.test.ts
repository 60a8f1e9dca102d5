// The llama gauges of Vigil's /metrics, from views built the way the core
// builds them: a captured -lv 4 log of the test bed's llama-server through
// LlamaMonitor, and its captured /metrics answer through readLlamaMetrics.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backend, baseState } from '../../test-support/fake-service.js';
import type { LlamaView } from '../common/llama.js';
import type { BackendView } from '../common/state.js';
import { LlamaMonitor, readLlamaMetrics } from '../core/llama/index.js';
import { createMetrics } from './metrics.js';

const fixtures = path.resolve(import.meta.dirname, '../core/llama/fixtures');
const MiB = 1024 * 1024;

function loadedView(): LlamaView {
  const m = new LlamaMonitor({ port: 1, onUpdate: () => undefined });
  m.feedLog(readFileSync(path.join(fixtures, 'local-lv4.log'), 'utf8').split('\n').slice(0, 94).join('\n') + '\n');
  const r = readLlamaMetrics(readFileSync(path.join(fixtures, 'local-metrics.txt'), 'utf8'));
  return {
    ...m.view(),
    slots: { total: 4, busy: 1, contextPerSlot: 4096, source: 'metrics' },
    throughput: {
      promptTokensPerSec: r.promptTokensPerSec,
      generatedTokensPerSec: r.generatedTokensPerSec,
      promptTokensTotal: r.promptTokensTotal,
      generatedTokensTotal: r.generatedTokensTotal,
      requestsProcessing: r.requestsProcessing,
      requestsDeferred: r.requestsDeferred,
    },
  };
}

async function scrape(backends: BackendView[]): Promise<Map<string, number>> {
  const text = (await createMetrics(() => baseState(backends)).render()).body;
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('vigil_llama_')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('llama gauges in /metrics', () => {
  it('a running llama-server: slots, throughput, requests and memory per device and part from its log', async () => {
    const v = await scrape([backend('llm', { llama: loadedView() }), backend('plain')]);
    expect(v.get('vigil_llama_slots_busy{backend="llm"}')).toBe(1);
    expect(v.get('vigil_llama_slots_total{backend="llm"}')).toBe(4);
    expect(v.get('vigil_llama_tokens_per_second{backend="llm",kind="prompt"}')).toBe(8.47039);
    expect(v.get('vigil_llama_tokens_per_second{backend="llm",kind="generated"}')).toBe(41.7873);
    expect(v.get('vigil_llama_requests_processing{backend="llm"}')).toBe(0);
    expect(v.get('vigil_llama_requests_deferred{backend="llm"}')).toBe(0);
    expect(v.get('vigil_llama_memory_bytes{backend="llm",device="Host",part="kv"}')).toBe(1 * MiB);
    expect(v.get('vigil_llama_memory_bytes{backend="llm",device="Host",part="weights"}')).toBeCloseTo(7.95 * MiB, -3);
    expect(v.get('vigil_llama_memory_bytes{backend="llm",device="Host",part="compute"}')).toBeCloseTo(5.01 * MiB, -3);
    // Only what is known: this build exports no KV cache ratio; a backend without a view has no llama series.
    expect(v.has('vigil_llama_kv_usage_ratio{backend="llm"}')).toBe(false);
    expect([...v.keys()].some((k) => k.includes('backend="plain"'))).toBe(false);
  });

  it('a stopped backend keeps its last view on the card, but its figures are not exported as readings', async () => {
    const v = await scrape([backend('llm', { status: 'stopped', pid: null, llama: loadedView() })]);
    expect(v.size).toBe(0);
  });

  it("the server's own pre-load projection is not exported as memory it holds", async () => {
    const m = new LlamaMonitor({ port: 1, onUpdate: () => undefined });
    m.feedLog(readFileSync(path.join(fixtures, 'upstream-fit-estimate-only.log'), 'utf8'));
    const view = m.view();
    expect(view.memory.length).toBeGreaterThan(0);
    expect(view.memory.every((d) => d.source === 'fit-estimate')).toBe(true);
    const v = await scrape([backend('llm', { llama: view })]);
    expect([...v.keys()].filter((k) => k.startsWith('vigil_llama_memory_bytes'))).toEqual([]);
  });
});
