// A small GGUF writer for tests and benches: headers crafted field by field,
// and whole llama-architecture models with filler weights that the real
// llama-server loads (see llama-model.ts). Data is either written (a repeated
// pattern of plausible values) or left as a hole ('sparse': the file is
// truncated up to its full size, so a multi-GB model costs only its header).
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { GGUF_TYPES, type GgufScalar, type GgufScalarType } from '../electron/core/fit/gguf-header.js';
import { ggmlType, tensorBytes } from '../electron/core/fit/ggml-types.js';

export type KvValue =
  | { type: GgufScalarType; value: GgufScalar }
  | { type: 'array'; of: GgufScalarType; values: GgufScalar[] };
export type Kv = [key: string, value: KvValue];

export interface TensorSpec {
  name: string;
  dims: number[];
  /** ggml type id */
  type: number;
}

export const kv = {
  u32: (value: number): KvValue => ({ type: 'u32', value }),
  i32: (value: number): KvValue => ({ type: 'i32', value }),
  u64: (value: number): KvValue => ({ type: 'u64', value }),
  f32: (value: number): KvValue => ({ type: 'f32', value }),
  bool: (value: boolean): KvValue => ({ type: 'bool', value }),
  str: (value: string): KvValue => ({ type: 'string', value }),
  arr: (of: GgufScalarType, values: GgufScalar[]): KvValue => ({ type: 'array', of, values }),
};

class Out {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    this.push(b);
  }
  u64(v: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    this.push(b);
  }
  string(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  scalar(type: GgufScalarType, v: GgufScalar): void {
    const b = Buffer.alloc(8);
    switch (type) {
      case 'u8': b.writeUInt8(Number(v)); return this.push(b.subarray(0, 1));
      case 'i8': b.writeInt8(Number(v)); return this.push(b.subarray(0, 1));
      case 'u16': b.writeUInt16LE(Number(v)); return this.push(b.subarray(0, 2));
      case 'i16': b.writeInt16LE(Number(v)); return this.push(b.subarray(0, 2));
      case 'u32': b.writeUInt32LE(Number(v)); return this.push(b.subarray(0, 4));
      case 'i32': b.writeInt32LE(Number(v)); return this.push(b.subarray(0, 4));
      case 'f32': b.writeFloatLE(Number(v)); return this.push(b.subarray(0, 4));
      case 'bool': b.writeUInt8(v ? 1 : 0); return this.push(b.subarray(0, 1));
      case 'string': return this.string(String(v));
      case 'u64': b.writeBigUInt64LE(BigInt(v as number)); return this.push(b);
      case 'i64': b.writeBigInt64LE(BigInt(v as number)); return this.push(b);
      case 'f64': b.writeDoubleLE(Number(v)); return this.push(b);
    }
  }
  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface EncodedHeader {
  header: Buffer;
  /** Where the data section starts (header padded to the alignment). */
  dataOffset: number;
  /** Each tensor's offset within the data section. */
  offsets: number[];
  dataBytes: number;
}

export function encodeGgufHeader(kvs: Kv[], tensors: TensorSpec[], opts: { alignment?: number; version?: number } = {}): EncodedHeader {
  const alignment = opts.alignment ?? 32;
  const o = new Out();
  o.push(Buffer.from('GGUF', 'latin1'));
  o.u32(opts.version ?? 3);
  o.u64(tensors.length);
  o.u64(kvs.length);
  for (const [key, v] of kvs) {
    o.string(key);
    o.u32(GGUF_TYPES.indexOf(v.type));
    if (v.type === 'array') {
      o.u32(GGUF_TYPES.indexOf(v.of));
      o.u64(v.values.length);
      for (const x of v.values) o.scalar(v.of, x);
    } else {
      o.scalar(v.type, v.value);
    }
  }
  const offsets: number[] = [];
  let at = 0;
  for (const t of tensors) {
    const gt = ggmlType(t.type);
    if (!gt) throw new Error(`unknown ggml type ${t.type}`);
    o.string(t.name);
    o.u32(t.dims.length);
    for (const d of t.dims) o.u64(d);
    o.u32(t.type);
    o.u64(at);
    offsets.push(at);
    at += Math.ceil(tensorBytes(gt, t.dims) / alignment) * alignment;
  }
  const dataOffset = Math.ceil(o.length / alignment) * alignment;
  o.push(Buffer.alloc(dataOffset - o.length));
  return { header: o.concat(), dataOffset, offsets, dataBytes: at };
}

/** Bytes of plausible values for a tensor type: small F16/BF16/F32 numbers, Q8_0 blocks with a small scale. */
function pattern(type: number, isNorm: boolean): Buffer {
  const gt = ggmlType(type)!;
  const blocks = Math.max(1, Math.floor((1 << 20) / gt.typeSize));
  const b = Buffer.alloc(blocks * gt.typeSize);
  let seed = 12345 + type;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  const f16 = (x: number): number => {
    // Small normal numbers only: sign, exponent, 10 mantissa bits.
    if (x === 0) return 0;
    const s = x < 0 ? 0x8000 : 0;
    const a = Math.abs(x);
    const e = Math.floor(Math.log2(a));
    if (e < -14) return s;
    const m = Math.round((a / 2 ** e - 1) * 1024) & 0x3ff;
    return s | ((e + 15) << 10) | m;
  };
  for (let i = 0; i < blocks; i++) {
    const at = i * gt.typeSize;
    switch (gt.name) {
      case 'F32': b.writeFloatLE(isNorm ? 1 : rnd() * 0.02, at); break;
      case 'F16': b.writeUInt16LE(f16(isNorm ? 1 : rnd() * 0.02), at); break;
      case 'BF16': { const f = Buffer.alloc(4); f.writeFloatLE(rnd() * 0.02); b.writeUInt16LE(f.readUInt16LE(2), at); break; }
      case 'Q8_0':
        b.writeUInt16LE(f16(0.0002), at);
        for (let j = 0; j < 32; j++) b.writeInt8(Math.round(rnd() * 100), at + 2 + j);
        break;
      default:
        for (let j = 0; j < gt.typeSize; j++) b[at + j] = (rnd() * 127 + 128) & 0xff;
    }
  }
  return b;
}

export interface WriteOptions {
  alignment?: number;
  /** 'sparse': the data section is a hole; 'fill': written with filler values. */
  data?: 'sparse' | 'fill';
}

/** Writes a GGUF file; returns its total size. */
export function writeGguf(file: string, kvs: Kv[], tensors: TensorSpec[], opts: WriteOptions = {}): number {
  const enc = encodeGgufHeader(kvs, tensors, { alignment: opts.alignment });
  const total = enc.dataOffset + enc.dataBytes;
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, enc.header, 0, enc.header.length, 0);
    if (opts.data === 'fill') {
      const cache = new Map<string, Buffer>();
      tensors.forEach((t, i) => {
        const isNorm = t.name.endsWith('norm.weight');
        const key = `${t.type}:${isNorm}`;
        const p = cache.get(key) ?? pattern(t.type, isNorm);
        cache.set(key, p);
        let left = tensorBytes(ggmlType(t.type)!, t.dims);
        let pos = enc.dataOffset + enc.offsets[i]!;
        while (left > 0) {
          const n = Math.min(left, p.length);
          writeSync(fd, p, 0, n, pos);
          pos += n;
          left -= n;
        }
      });
    }
    ftruncateSync(fd, total);
  } finally {
    closeSync(fd);
  }
  return total;
}
