import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FitEstimate } from '../../common/fit.js';
import { kv, writeGguf, type TensorSpec } from '../../../test-support/gguf-writer.js';
import type { FitEnvironment } from './estimate.js';
import { MEASUREMENTS_FILE, MeasurementStore } from './measurements.js';
import { predictFit } from './predict.js';
import { parseServerMemoryLog } from './server-log.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-fitstore-'));
  dirs.push(d);
  return d;
};
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const BIG: FitEnvironment = { memAvailable: 64 * GiB, memTotal: 64 * GiB };

function model(dir: string, name = 'm.gguf'): string {
  const t: TensorSpec[] = [{ name: 'token_embd.weight', dims: [256, 1000], type: 1 }];
  for (let i = 0; i < 2; i++) t.push({ name: `blk.${i}.attn_q.weight`, dims: [256, 256], type: 1 });
  const f = path.join(dir, name);
  writeGguf(f, [
    ['general.architecture', kv.str('llama')], ['llama.block_count', kv.u32(2)], ['llama.context_length', kv.u32(4096)],
    ['llama.embedding_length', kv.u32(256)], ['llama.feed_forward_length', kv.u32(512)], ['llama.attention.head_count', kv.u32(4)],
    ['llama.attention.head_count_kv', kv.u32(4)], ['llama.vocab_size', kv.u32(1000)],
  ], t, { data: 'sparse' });
  return f;
}

async function predict(file: string, flags: string[], store: MeasurementStore | null): Promise<FitEstimate> {
  const p = await predictFit({ argv: ['llama-server', '-m', file, ...flags], machine: BIG, store });
  if (p.verdict === 'unknown') throw new Error(p.why);
  return p;
}

describe('measurement store', () => {
  it('uses the measured figure for the same model and flags, even after a rename, and says so', async () => {
    const d = tmp();
    const file = model(d);
    const { store, warning } = await MeasurementStore.open(d);
    expect(warning).toBeNull();
    const first = await predict(file, ['-c', '2048'], store);
    expect(first.basis).toBe('formula');
    const r = await store.record(first, { rss: 100 * MiB, anon: 60 * MiB, file: 40 * MiB });
    expect(r.run.error).toBeCloseTo((first.total - 100 * MiB) / (100 * MiB), 10);
    expect(r.text).toMatch(/^predicted .* MiB, took 100 MiB \([+-]\d+ %\)$/);

    // A new store reads the file back; the same model under another name is recognised.
    const again = (await MeasurementStore.open(d)).store;
    const renamed = model(d, 'renamed.gguf');
    const second = await predict(renamed, ['-c', '2048'], again);
    expect(second.basis).toBe('measured');
    expect(second.total).toBe(100 * MiB);
    expect(second.anon).toBe(60 * MiB);
    expect(second.measured).toMatchObject({ kind: 'same', measuredBytes: 100 * MiB, note: 'measured on the last run: 100 MiB' });
    expect(second.why).toContain('(measured on the last run: 100 MiB)');
    // The file is small and readable.
    const text = readFileSync(path.join(d, MEASUREMENTS_FILE), 'utf8');
    expect(text.length).toBeLessThan(4096);
    expect(JSON.parse(text).models[second.model.id].runs[0].key).toBe('c2048 np4u kf16 vf16 ub512 fa mmap ngl0');
  });

  it('keeps the higher peak when a run is recorded again at its end', async () => {
    const d = tmp();
    const file = model(d);
    const { store } = await MeasurementStore.open(d);
    const p = await predict(file, ['-c', '2048'], store);
    await store.record(p, { rss: 100 * MiB, anon: 60 * MiB, file: 40 * MiB });
    await store.record(p, { rss: 90 * MiB, anon: 50 * MiB, file: 40 * MiB, cgroupPeak: 130 * MiB });
    expect(store.runs(p.model.id)).toHaveLength(1);
    expect(store.runs(p.model.id)[0]!.measured).toMatchObject({ peak: 130 * MiB, cgroupPeak: 130 * MiB });
    await store.record(p, { rss: 95 * MiB, anon: 55 * MiB, file: 40 * MiB });
    expect(store.runs(p.model.id)[0]!.measured.peak).toBe(130 * MiB);
  });

  it('corrects the formula for a new context with the measured KV per cell and the measured rest', async () => {
    const d = tmp();
    const file = model(d);
    const { store } = await MeasurementStore.open(d);
    const at2k = await predict(file, ['-c', '2048'], store);
    // llama-server's own figures say its KV cache is 10 % larger than the formula; the process holds 7 MiB more.
    const kv = at2k.formula.kv * 1.1;
    const log = parseServerMemoryLog([
      `load_tensors:   CPU_Mapped model buffer size = ${(at2k.formula.weights / MiB).toFixed(2)} MiB`,
      `llama_kv_cache:        CPU KV buffer size = ${(kv / MiB).toFixed(4)} MiB`,
    ].join('\n'));
    const anon = kv + at2k.formula.output + 7 * MiB;
    const file2k = at2k.formula.weights + 14 * MiB;
    await store.record(at2k, { rss: anon + file2k, anon, file: file2k, log });

    const at8k = await predict(file, ['-c', '8192'], store);
    const formula8k = await predict(file, ['-c', '8192'], null);
    expect(at8k.basis).toBe('measured');
    expect(at8k.measured!.kind).toBe('corrected');
    expect(at8k.measured!.note).toMatch(/^corrected by the run at -c 2048 \(f16\), which took .*MiB$/);
    const kvPart = at8k.parts.filter((p) => p.kind === 'kv').reduce((a, p) => a + p.bytes, 0);
    expect(kvPart / formula8k.formula.kv).toBeCloseTo(1.1, 3);
    // Rest: 7 MiB measured at 2048, plus what the bigger context adds to the compute buffer.
    const rest = at8k.parts.find((p) => p.kind === 'compute')!.bytes;
    expect(rest).toBeCloseTo(7 * MiB + (formula8k.formula.compute - at2k.formula.compute), -3);
    expect(at8k.file).toBe(file2k);
  });

  it('sets a corrupt file aside, says so, and starts afresh', async () => {
    const d = tmp();
    const f = path.join(d, MEASUREMENTS_FILE);
    writeFileSync(f, '{"version": 1, "models": {"x": {"path": 3}}}');
    const a = await MeasurementStore.open(d);
    expect(a.warning).toBe(`${f} is corrupt (models.x.path: Invalid input: expected string, received number); set aside as ${MEASUREMENTS_FILE}.corrupt, measurements start afresh`);
    expect(existsSync(`${f}.corrupt`)).toBe(true);
    expect(existsSync(f)).toBe(false);
    writeFileSync(f, '{not json');
    const b = await MeasurementStore.open(d);
    expect(b.warning).toMatch(/is corrupt \(.*JSON.*\); set aside/);
    // And it works afterwards.
    const p = await predict(model(d), ['-c', '2048'], b.store);
    await b.store.record(p, { rss: 50 * MiB, anon: 30 * MiB, file: 20 * MiB });
    expect((await MeasurementStore.open(d)).warning).toBeNull();
  });
});
