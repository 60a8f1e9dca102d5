import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LlamaDeviceMemory } from '../../common/llama.js';
import { LlamaLogParser, type LlamaLogFacts } from './log-parser.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(path.join(here, 'fixtures', name), 'utf8');
const MiB = 1024 * 1024;
const mib = (n: number): number => Math.round(n * MiB);

function parse(text: string, chunk = Infinity): LlamaLogFacts {
  const p = new LlamaLogParser();
  for (let i = 0; i < text.length; i += chunk) p.feed(text.slice(i, i + chunk));
  return p.facts();
}
const device = (f: LlamaLogFacts, name: string): LlamaDeviceMemory => {
  const d = f.memory.find((m) => m.device === name);
  if (!d) throw new Error(`no ${name} in ${f.memory.map((m) => m.device).join(', ')}`);
  return d;
};

describe('llama-server log parser, on logs of the server built here', () => {
  it('reads the model, context, KV cache and each buffer from a -lv 4 log', () => {
    const f = parse(fixture('local-lv4.log'));
    expect(f.build).toBe('b1-80fb11a');
    expect(f.logVerbosity).toBe(4);
    expect(f.model).toEqual({ path: 'tiny.gguf', name: 'tiny-test', fileType: 'F16', fileBytes: mib(7.95) });
    expect(f.contextSize).toBe(4096);
    expect(f.contextPerSlot).toBe(4096);
    expect(f.slots).toBe(4);
    expect(f.kvCaches).toEqual([{ cells: 4096, layers: 2, seqs: 4, streams: 1, typeK: 'f16', typeV: 'f16', bytes: mib(1) }]);
    expect(f.listenUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(f.memory).toHaveLength(1);
    const host = device(f, 'Host');
    expect(host).toMatchObject({ host: true, source: 'log', weights: mib(7.95), kv: mib(1), compute: mib(5.01), other: mib(0.49) });
    expect(host.buffers.map((b) => `${b.name}:${b.kind}`)).toEqual(['CPU_Mapped:weights', 'CPU:other', 'CPU:kv', 'CPU:compute']);
  });

  it('goes through the load phases in order as the log grows, line by line', () => {
    const p = new LlamaLogParser();
    const phases: string[] = [p.facts().phase];
    for (const line of fixture('local-lv4.log').split('\n')) {
      p.line(line);
      const now = p.facts().phase;
      if (now !== phases.at(-1)) phases.push(now);
    }
    expect(phases).toEqual(['starting', 'loading', 'loaded', 'listening', 'stopping']);
  });

  it('shows the fit projection as an estimate until the server reports what it allocated', () => {
    const lines = fixture('local-lv4.log').split('\n');
    const firstBuffer = lines.findIndex((l) => l.includes('model buffer size'));
    const p = new LlamaLogParser();
    for (const l of lines.slice(0, firstBuffer)) p.line(l);
    expect(p.facts().memory).toEqual([
      expect.objectContaining({ device: 'Host', source: 'fit-estimate', weights: 7 * MiB, kv: 1 * MiB, compute: 5 * MiB }),
    ]);
    p.line(lines[firstBuffer]!);
    expect(p.facts().memory).toEqual([expect.objectContaining({ device: 'Host', source: 'log', weights: mib(7.95), kv: null })]);
  });

  it('reads quantized KV cache types, per-slot streams and a --no-mmap weights buffer', () => {
    const f = parse(fixture('local-lv4-q8-nommap.log'));
    expect(f.contextSize).toBe(8192);
    expect(f.contextPerSlot).toBe(4096);
    expect(f.slots).toBe(2);
    expect(f.kvCaches).toEqual([{ cells: 4096, layers: 4, seqs: 2, streams: 2, typeK: 'q8_0', typeV: 'q8_0', bytes: mib(34) }]);
    expect(device(f, 'Host').buffers).toContainEqual({ name: 'CPU', kind: 'weights', bytes: mib(197.04) });
  });

  it('at the default verbosity knows the phases, slots and verbosity but no memory', () => {
    const f = parse(fixture('local-default.log'));
    expect(f).toMatchObject({ phase: 'stopping', logVerbosity: 3, slots: 4, contextPerSlot: 4096, model: { path: 'tiny.gguf' } });
    expect(f.listenUrl).toBe('http://127.0.0.1:18411');
    expect(f.memory).toEqual([]);
  });

  it('marks a log that gives up as failed, even after it said it was cleaning up', () => {
    for (const name of ['local-missing-model.log', 'local-port-in-use.log', 'local-host-alloc-kv.log']) {
      expect(parse(fixture(name)).phase, name).toBe('failed');
    }
  });

  it('gives the same facts whatever the chunking of the text', () => {
    const text = fixture('local-lv4.log');
    const whole = parse(text);
    for (const size of [1, 7, 100, 4096]) expect(parse(text, size), `chunks of ${size}`).toEqual(whole);
  });
});

describe('llama-server log parser, on the shapes of other versions', () => {
  it('2024 structured server log with CUDA: llm_load_tensors, llama_kv_cache_init, KV self size, progress dots', () => {
    const f = parse(fixture('upstream-2024-structured-cuda.log'));
    expect(f).toMatchObject({ phase: 'listening', loadProgress: 1, listenUrl: 'http://127.0.0.1:8080', build: 'b3151-f8ec8877', contextSize: 8192, slots: 1, offload: { layers: 33, of: 33 } });
    expect(f.model).toMatchObject({ name: 'Meta-Llama-3-8B-Instruct', fileType: 'Q4_K - Medium' });
    expect(f.kvCaches).toEqual([{ cells: null, layers: null, seqs: null, streams: null, typeK: 'f16', typeV: 'f16', bytes: mib(1024) }]);
    expect(f.memory.map((m) => m.device)).toEqual(['CUDA0', 'Host']);
    expect(device(f, 'CUDA0')).toMatchObject({ description: 'NVIDIA GeForce RTX 3060', weights: mib(4403.5), kv: mib(1024), compute: mib(560) });
    expect(device(f, 'Host')).toMatchObject({ weights: mib(281.81), compute: mib(24.01), other: mib(0.98), kv: null });
  });

  it('2024 JSON server log', () => {
    const f = parse(fixture('upstream-2024-json.log'));
    expect(f).toMatchObject({ phase: 'listening', listenUrl: 'http://127.0.0.1:8080', build: 'b1950-e9240cdf', slots: 1, contextSize: 2048 });
    expect(device(f, 'Host')).toMatchObject({ weights: mib(1114.91), kv: mib(44), compute: mib(148.01) });
  });

  it('2025 with two CUDA GPUs: the port opens while loading, the model splits across devices', () => {
    const p = new LlamaLogParser();
    const lines = fixture('upstream-2025-multi-cuda.log').split('\n');
    p.line(lines.find((l) => l.includes('HTTP server is listening'))!);
    expect(p.facts()).toMatchObject({ phase: 'loading', listenUrl: 'http://127.0.0.1:8080' });
    const f = parse(lines.join('\n'));
    expect(f).toMatchObject({ phase: 'listening', build: 'b5300-2b0c4f13', contextSize: 16384, contextPerSlot: 16384, slots: 1 });
    expect(f.model).toMatchObject({ name: 'Qwen3 32B', fileType: 'Q5_K - Medium', fileBytes: Math.round(21.68 * 1024 * MiB) });
    expect(f.kvCaches).toEqual([expect.objectContaining({ cells: 16384, layers: 64, typeK: 'q8_0', typeV: 'q8_0', bytes: mib(2176) })]);
    expect(f.memory.map((m) => m.device)).toEqual(['CUDA0', 'CUDA1', 'Host']);
    expect(device(f, 'CUDA0')).toMatchObject({ description: 'NVIDIA GeForce RTX 3090', deviceFree: 23863 * MiB, weights: mib(10840.12), kv: mib(1088), compute: mib(306.75) });
    expect(device(f, 'CUDA1')).toMatchObject({ weights: mib(11052.77), kv: mib(1088), compute: mib(368) });
    expect(device(f, 'Host')).toMatchObject({ weights: mib(510.47), compute: mib(42.01), other: mib(0.58) });
  });

  it('2026 Vulkan with a sliding-window cache: both KV caches add up; the exit table names the device and its size', () => {
    const f = parse(fixture('upstream-2026-vulkan-swa.log'));
    expect(f.kvCaches.map((k) => [k.cells, k.layers, k.bytes])).toEqual([
      [32768, 10, mib(2048)],
      [4608, 52, mib(666)],
    ]);
    const gpu = device(f, 'Vulkan0');
    expect(gpu).toMatchObject({ source: 'log', description: 'AMD Radeon Graphics (RADV GFX1151)', weights: mib(15779.94), kv: mib(2714), compute: mib(416.5), deviceTotal: 98304 * MiB, deviceFree: 78001 * MiB });
    expect(device(f, 'Host')).toMatchObject({ weights: mib(1066.69), compute: mib(74.03), other: mib(1) });
  });

  it('Metal: the _Mapped weights count on the GPU', () => {
    const f = parse(fixture('upstream-2025-metal.log'));
    expect(device(f, 'Metal')).toMatchObject({ description: 'Apple M2 Pro', weights: mib(5666.1), kv: mib(512), compute: mib(300.01) });
    expect(device(f, 'Host').weights).toBe(mib(100));
  });

  it('a log with only the fit projection shows it per device, labelled an estimate', () => {
    const f = parse(fixture('upstream-fit-estimate-only.log'));
    expect(f.memory).toEqual([
      expect.objectContaining({ device: 'CUDA0', description: 'RTX 4090', source: 'fit-estimate', weights: 7605 * MiB, kv: 2048 * MiB, compute: 1159 * MiB, deviceTotal: 24080 * MiB, deviceFree: 23340 * MiB }),
      expect.objectContaining({ device: 'Host', source: 'fit-estimate', weights: 532 * MiB, kv: 0, compute: 50 * MiB }),
    ]);
  });
});

describe('llama-server log parser, tolerance', () => {
  it('ignores lines it does not know, binary junk and over-long lines, and says nothing changed', () => {
    const p = new LlamaLogParser();
    const before = p.facts();
    expect(p.feed('hello world\n\u0000\u0001\u00ff garbage \ud800\n{"not":"a log"}\n{broken json\n| memory row without a header |\n')).toBe(false);
    expect(p.feed(`${'x'.repeat(200_000)}\n`)).toBe(false);
    expect(p.facts()).toEqual(before);
  });

  it('reads progress dots as they arrive, before their line ends', () => {
    const p = new LlamaLogParser();
    p.feed('llm_load_tensors:        CPU buffer size =   100.00 MiB\n');
    p.feed('.'.repeat(25));
    expect(p.facts().loadProgress).toBe(0.25);
    p.feed('.'.repeat(75) + '\n');
    expect(p.facts().loadProgress).toBe(1);
  });

  it('forgets everything on reset, for the next process', () => {
    const p = new LlamaLogParser();
    p.feed(fixture('local-lv4.log'));
    p.reset();
    expect(p.facts()).toEqual(new LlamaLogParser().facts());
  });

  it('strips journald and docker-compose prefixes', () => {
    const p = new LlamaLogParser();
    p.feed('Aug 27 11:21:11 box llama-server[55781]: load_tensors:        CUDA0 model buffer size =  1000.00 MiB\n');
    p.feed('llama-cpp    | llama_kv_cache:      CUDA0 KV buffer size =   100.00 MiB\n');
    expect(p.facts().memory).toEqual([expect.objectContaining({ device: 'CUDA0', weights: mib(1000), kv: mib(100) })]);
  });
});
