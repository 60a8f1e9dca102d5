import { describe, expect, it } from 'vitest';
import { emptyLlamaView, type LlamaView } from '../../electron/common/llama.js';
import type { BackendView, ExitInfo } from '../../electron/common/state.js';
import { contextText, lastExitReason, memoryRows, modelText, phaseText, probeText, procMemoryText, slotsText, throughputText } from './llama-figures.js';

const MiB = 1024 * 1024;
const view = (over: Partial<LlamaView> = {}): LlamaView => ({ ...emptyLlamaView(), ...over });
const ready = { status: 'ready' } as const;
const exit = (pid: number): ExitInfo => ({ time: 0, pid, code: 1, signal: null, signalName: null, coreDumped: false, reaped: true, oomKilled: false, oom: null, reason: 'exited with code 1' });
const proc: BackendView['memory'] = { rss: 300 * MiB, anon: 100 * MiB, file: 200 * MiB, shmem: 0, swap: 0, pss: null, processes: 1 };

describe('llama figures for the card', () => {
  it('says how far the load has got while the process runs, nothing once it is gone', () => {
    expect(phaseText(ready, view({ phase: 'loading', loadProgress: 0.456 }))).toBe('Loading model 46 %');
    expect(phaseText(ready, view({ phase: 'loading' }))).toBe('Loading model');
    expect(phaseText(ready, view({ phase: 'listening', listenUrl: 'http://127.0.0.1:8080' }))).toBe('Serving on http://127.0.0.1:8080');
    expect(phaseText({ status: 'exited' }, view({ phase: 'listening' }))).toBeNull();
  });

  it('names the model and context from what is known', () => {
    expect(modelText(view({ model: { path: '/m/qwen.gguf', name: null, fileType: 'Q4_K - Medium', fileBytes: 4.5 * 1024 * MiB } }))).toBe('qwen.gguf · Q4_K - Medium · 4.5 GiB');
    expect(modelText(view())).toBeNull();
    expect(contextText(view({ contextSize: 8192, offload: { layers: 20, of: 33 } }))).toBe('8192 tokens, 20/33 layers on GPU');
  });

  it('gives each device its parts in a fixed order, the KV cache with its cells and types, and the source', () => {
    const rows = memoryRows(
      view({
        kvCaches: [{ cells: 8192, layers: 32, seqs: 2, streams: 1, typeK: 'q8_0', typeV: 'q8_0', bytes: 544 * MiB }],
        memory: [
          { device: 'CUDA0', host: false, description: 'RTX 4090', weights: 7000 * MiB, kv: 544 * MiB, compute: 300 * MiB, other: null, deviceTotal: null, deviceFree: null, buffers: [], source: 'log' },
          { device: 'Host', host: true, description: null, weights: 400 * MiB, kv: null, compute: 20 * MiB, other: 0.5 * MiB, deviceTotal: null, deviceFree: null, buffers: [], source: 'fit-estimate' },
        ],
      }),
    );
    expect(rows.map((r) => [r.label, r.total, r.source])).toEqual([
      ['CUDA0 (RTX 4090)', 7844 * MiB, 'from its log'],
      ['Host RAM', 420.5 * MiB, "llama-server's estimate before loading"],
    ]);
    expect(rows[0]!.parts.map((p) => `${p.label} ${p.text}`)).toEqual(['weights 6.8 GiB', 'KV cache 544 MiB (8192 cells, q8_0)', 'compute 300 MiB']);
    expect(rows[1]!.parts.map((p) => p.kind)).toEqual(['weights', 'compute', 'other']);
  });

  it('without sizes in the log: the /proc figures, labelled, and the flag that adds the sizes once loaded', () => {
    expect(procMemoryText({ status: 'ready', memory: proc }, view({ phase: 'listening' }))).toEqual({
      text: 'RSS 300 MiB (anonymous 100 MiB, file-backed 200 MiB), from /proc',
      hint: 'Its log gives weights, KV cache and compute per device when llama-server runs with -lv 4.',
    });
    expect(procMemoryText({ status: 'ready', memory: null }, view({ phase: 'listening' }))).toMatchObject({ text: null, hint: expect.stringContaining('-lv 4') });
    expect(procMemoryText({ status: 'loading', memory: proc }, view({ phase: 'loading' }))?.hint).toBeNull();
    const withLog = view({ memory: [{ device: 'Host', host: true, description: null, weights: 1, kv: null, compute: null, other: null, deviceTotal: null, deviceFree: null, buffers: [], source: 'log' }] });
    expect(procMemoryText({ status: 'ready', memory: proc }, withLog)).toBeNull();
    expect(procMemoryText({ status: 'stopped', memory: null }, view({ phase: 'listening' }))).toBeNull();
    // Without the log's sizes, the fit estimate stands beside /proc, labelled as such.
    const fit = { predicted: { total: 200 * 2 ** 20, anon: 120 * 2 ** 20, file: 80 * 2 ** 20 } } as BackendView['fit'];
    expect(procMemoryText({ status: 'ready', memory: null, fit }, view({ phase: 'listening' }))?.text).toBe("200 MiB (anonymous 120 MiB, file-backed 80.0 MiB), Vigil's fit estimate");
  });

  it('slots, throughput and the probe, only what is known', () => {
    const t = { promptTokensPerSec: 8.47, generatedTokensPerSec: 141.8, promptTokensTotal: 3, generatedTokensTotal: 16, requestsProcessing: 1, requestsDeferred: 2 };
    expect(slotsText(view({ slots: { total: 4, busy: 1, contextPerSlot: 4096, source: 'metrics' }, throughput: t }))).toBe('1 of 4 slots busy, 4096 tokens each, 2 requests waiting');
    expect(slotsText(view({ slots: { total: 4, busy: null, contextPerSlot: null, source: 'log' } }))).toBe('4 slots');
    expect(slotsText(view())).toBeNull();
    expect(throughputText(view({ throughput: t, kvUsage: { ratio: 0.125, tokens: 512 } }))).toBe('generated 142 tok/s, prompt 8.5 tok/s; tokens so far: 3 prompt, 16 generated; KV cache 13 % used');
    // A kind with no work since the previous read reads 0 from the server: left out; with neither, idle.
    expect(throughputText(view({ throughput: { ...t, promptTokensPerSec: 0 } }))).toBe('generated 142 tok/s; tokens so far: 3 prompt, 16 generated');
    expect(throughputText(view({ throughput: { ...t, promptTokensPerSec: 0, generatedTokensPerSec: 0 } }))).toBe('idle; tokens so far: 3 prompt, 16 generated');
    expect(throughputText(view())).toBeNull();
    expect(probeText({ at: 1000, outcome: 'failed', latencyMs: 30_000, detail: 'no token within 30000 ms' }, 13_000)).toEqual({ tone: 'bad', text: 'failed 12s ago: no token within 30000 ms' });
    expect(probeText(null, 0)).toBeNull();
  });

  it("shows the log's death reason only beside the exit it belongs to", () => {
    const reason = { kind: 'model-missing' as const, summary: 'Model file not found: /m.gguf', line: 'E gguf_init_from_file: …' };
    const l = view({ lastDeath: { pid: 42, reason } });
    expect(lastExitReason({ lastExit: exit(42) }, l)).toBe(reason);
    // A later exit the log said nothing about (a kill -9) is not given the older reason.
    expect(lastExitReason({ lastExit: exit(43) }, l)).toBeNull();
    expect(lastExitReason({ lastExit: null }, l)).toBeNull();
  });
});
