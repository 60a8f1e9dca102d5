import { mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { kv, writeGguf, type Kv, type TensorSpec } from '../../../test-support/gguf-writer.js';
import { metaNumber, metaPerLayer, metaString, readGgufHeader } from './gguf-header.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-gguf-'));
  dirs.push(d);
  return d;
};

const KVS: Kv[] = [
  ['general.architecture', kv.str('llama')],
  ['general.name', kv.str('tiny')],
  ['llama.block_count', kv.u32(2)],
  ['llama.attention.head_count_kv', kv.arr('i32', [4, 0])],
  ['llama.attention.layer_norm_rms_epsilon', kv.f32(1e-5)],
  ['llama.big', kv.u64(2 ** 40)],
  ['tokenizer.ggml.add_bos_token', kv.bool(true)],
  ['tokenizer.ggml.tokens', kv.arr('string', Array.from({ length: 5000 }, (_, i) => `tok${i}`))],
  ['tokenizer.ggml.scores', kv.arr('f32', Array.from({ length: 5000 }, () => 0.5))],
];
const TENSORS: TensorSpec[] = [
  { name: 'token_embd.weight', dims: [64, 5000], type: 1 }, // F16: 64 × 5000 × 2
  { name: 'blk.0.attn_q.weight', dims: [64, 64], type: 8 }, // Q8_0: 2 blocks × 34 × 64 rows
  { name: 'output_norm.weight', dims: [64], type: 0 },
];

describe('GGUF header', () => {
  it('reads metadata of every type and tensor infos with their byte sizes, without reading the weights', async () => {
    const f = path.join(tmp(), 'm.gguf');
    const size = writeGguf(f, KVS, TENSORS, { data: 'sparse' });
    const h = await readGgufHeader(f);
    expect(h.fileBytes).toBe(size);
    expect(h.version).toBe(3);
    expect(metaString(h, 'general.name')).toBe('tiny');
    expect(metaNumber(h, 'llama.block_count')).toBe(2);
    expect(metaNumber(h, 'llama.big')).toBe(2 ** 40);
    expect(metaNumber(h, 'llama.attention.layer_norm_rms_epsilon')).toBeCloseTo(1e-5, 9);
    expect(metaPerLayer(h, 'llama.attention.head_count_kv', 2)).toEqual([4, 0]);
    expect(metaPerLayer(h, 'llama.block_count', 3)).toEqual([2, 2, 2]);
    // Long arrays keep only their length; strings never keep values unless asked.
    expect(h.metadata.get('tokenizer.ggml.tokens')).toEqual({ type: 'array', of: 'string', length: 5000, values: null });
    expect(h.metadata.get('tokenizer.ggml.scores')).toMatchObject({ length: 5000, values: null });
    expect(h.tensors.map((t) => [t.name, t.bytes])).toEqual([
      ['token_embd.weight', 64 * 5000 * 2],
      ['blk.0.attn_q.weight', 2 * 34 * 64],
      ['output_norm.weight', 64 * 4],
    ]);
    expect(h.bytesRead).toBeLessThan(size);
    expect(h.bytesRead).toBeGreaterThanOrEqual(h.headerBytes);
    const full = await readGgufHeader(f, { keepArrays: true });
    const tokens = full.metadata.get('tokenizer.ggml.tokens');
    expect(tokens?.type === 'array' && tokens.values?.[4999]).toBe('tok4999');
  });

  it('reads a header larger than the first chunk, and the identity survives a rename but not a change', async () => {
    const d = tmp();
    const f = path.join(d, 'a.gguf');
    const long: Kv[] = [...KVS, ['tokenizer.ggml.merges', kv.arr('string', Array.from({ length: 60_000 }, (_, i) => `m${i} x${i}`))]];
    writeGguf(f, long, TENSORS, { data: 'sparse' });
    const a = await readGgufHeader(f);
    expect(a.headerBytes).toBeGreaterThan(700_000);
    const moved = path.join(d, 'renamed.gguf');
    renameSync(f, moved);
    const b = await readGgufHeader(moved);
    expect(b.headerHash).toBe(a.headerHash);
    writeGguf(f, [...long, ['general.extra', kv.u32(1)]], TENSORS, { data: 'sparse' });
    expect((await readGgufHeader(f)).headerHash).not.toBe(a.headerHash);
  });

  it('names the file and what is wrong for bad, cut or empty files', async () => {
    const d = tmp();
    const f = path.join(d, 'm.gguf');
    writeGguf(f, KVS, TENSORS, { data: 'sparse' });
    const bytes = readFileSync(f);

    // Cut inside the token list.
    const cut = path.join(d, 'cut.gguf');
    writeFileSync(cut, bytes.subarray(0, 20_000));
    await expect(readGgufHeader(cut)).rejects.toThrow(`${cut}: the file ends at byte 20000 inside metadata key 'tokenizer.ggml.tokens': it is truncated`);

    // Header whole, weights cut.
    const short = path.join(d, 'short.gguf');
    writeFileSync(short, bytes);
    truncateSync(short, bytes.length - 100);
    await expect(readGgufHeader(short)).rejects.toThrow(/short\.gguf: tensor 'output_norm\.weight' ends at byte \d+ but the file has \d+ bytes: it is truncated/);

    const elf = path.join(d, 'elf.gguf');
    writeFileSync(elf, Buffer.from('\x7fELF\x02\x01\x01\x00', 'latin1'));
    await expect(readGgufHeader(elf)).rejects.toThrow(`${elf}: not a GGUF file (it starts with bytes 7f454c46, not "GGUF")`);

    const empty = path.join(d, 'empty.gguf');
    writeFileSync(empty, '');
    await expect(readGgufHeader(empty)).rejects.toThrow(`${empty}: the file is empty`);

    await expect(readGgufHeader(path.join(d, 'missing.gguf'))).rejects.toThrow('missing.gguf: no such file');

    const v1 = path.join(d, 'v1.gguf');
    const b1 = Buffer.from(bytes);
    b1.writeUInt32LE(1, 4);
    writeFileSync(v1, b1);
    await expect(readGgufHeader(v1)).rejects.toThrow(`${v1}: GGUF version 1 is not supported (2 and 3 are)`);

    const badType = path.join(d, 'type.gguf');
    writeGguf(badType, KVS.slice(0, 2), [{ name: 'x', dims: [32], type: 0 }], { data: 'sparse' });
    const bt = readFileSync(badType);
    // The tensor's type id sits after name, n_dims and one dim: 12 + 4 + 8 bytes before the offset at the end of the infos.
    const infoEnd = bt.indexOf(Buffer.from('x', 'latin1'), 24) + 1 + 4 + 8;
    bt.writeUInt32LE(99, infoEnd);
    writeFileSync(badType, bt);
    await expect(readGgufHeader(badType)).rejects.toThrow(`${badType}: tensor 'x' has unknown type id 99`);

    const huge = path.join(d, 'huge.gguf');
    const hb = Buffer.from(bytes.subarray(0, 64));
    hb.writeBigUInt64LE(2n ** 40n, 16); // metadata count
    writeFileSync(huge, hb);
    await expect(readGgufHeader(huge)).rejects.toThrow(/metadata count 1099511627776 at byte 16 is not plausible/);
  });

  it('reads every shard of a split model from the first, and refuses a later shard', async () => {
    const d = tmp();
    const shard = (i: number): string => path.join(d, `big-0000${i}-of-00003.gguf`);
    for (let i = 1; i <= 3; i++) {
      const kvs: Kv[] = [...(i === 1 ? KVS : []), ['split.no', { type: 'u16', value: i - 1 }], ['split.count', { type: 'u16', value: 3 }]];
      writeGguf(shard(i), kvs, [{ name: `blk.${i}.ffn_up.weight`, dims: [64, 100], type: 1 }], { data: 'sparse' });
    }
    const h = await readGgufHeader(shard(1));
    expect(h.files).toEqual([shard(1), shard(2), shard(3)]);
    expect(h.tensors.map((t) => [t.name, t.file])).toEqual([['blk.1.ffn_up.weight', 0], ['blk.2.ffn_up.weight', 1], ['blk.3.ffn_up.weight', 2]]);
    await expect(readGgufHeader(shard(2))).rejects.toThrow(/this is shard 2 of 3; give llama-server the first shard/);
    rmSync(shard(3));
    await expect(readGgufHeader(shard(1))).rejects.toThrow(`${shard(3)}: no such file`);
  });

  it('reads the header of a sparse 8 GB model in well under 100 ms and 10 MB', async () => {
    const f = path.join(tmp(), 'big.gguf');
    const t: TensorSpec[] = [{ name: 'token_embd.weight', dims: [4096, 32000], type: 1 }];
    for (let i = 0; i < 32; i++) for (const n of ['attn_q', 'attn_k', 'attn_v', 'attn_output']) t.push({ name: `blk.${i}.${n}.weight`, dims: [4096, 4096], type: 1 });
    for (let i = 0; i < 32; i++) for (const n of ['ffn_up', 'ffn_gate']) t.push({ name: `blk.${i}.${n}.weight`, dims: [4096, 8192], type: 1 });
    t.push({ name: 'output.weight', dims: [4096, 32000], type: 8 });
    const size = writeGguf(f, KVS, t, { data: 'sparse' });
    expect(size).toBeGreaterThan(8e9);
    const h = await readGgufHeader(f);
    expect(h.tensors).toHaveLength(t.length);
    // Only the header is read, not the 8 GB: bytes, not time (bench/fit.bench.ts measures the time).
    expect(h.bytesRead).toBeLessThan(10 * 2 ** 20);
  });
});
