// Reads a GGUF file's header — metadata and tensor infos — and never its
// weights. An own reader rather than @huggingface/gguf: that package parses a
// truncated header as zeros without complaint (a 300 kB cut of a 720 kB file
// "parses" with an empty key) and pulls in @huggingface/tasks (5.6 MB) for
// re-exports, while the format is three counted sections that fit in one small
// file with errors that name the file, the byte and the field.
//
// Reading is chunked: the header is parsed synchronously from a buffer; when
// an item (one key/value or one tensor info) runs past the buffer, the buffer
// grows by a bounded step and that item is parsed again.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ggmlType, tensorBytes } from './ggml-types.js';

export const GGUF_TYPES = ['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'f32', 'bool', 'string', 'array', 'u64', 'i64', 'f64'] as const;
export type GgufScalarType = Exclude<(typeof GGUF_TYPES)[number], 'array'>;
export type GgufScalar = number | boolean | string;
export type GgufEntry =
  | { type: GgufScalarType; value: GgufScalar }
  /** Long arrays (the tokenizer's tokens, merges, scores) keep only their length unless asked. */
  | { type: 'array'; of: GgufScalarType; length: number; values: GgufScalar[] | null };

export interface GgufTensorInfo {
  name: string;
  dims: number[];
  /** ggml type id (ggml-types.ts). */
  type: number;
  /** Offset of the data within its file's data section. */
  offset: number;
  bytes: number;
  /** Index into GgufHeader.files (split models). */
  file: number;
}

export interface GgufHeader {
  /** The files read: one, or every shard of a split model, first shard first. */
  files: string[];
  /** Sum of the files' sizes. */
  fileBytes: number;
  version: number;
  metadata: Map<string, GgufEntry>;
  tensors: GgufTensorInfo[];
  /** Bytes of header (up to the end of the tensor infos), summed over the files. */
  headerBytes: number;
  /** Bytes actually read from disk, summed over the files. */
  bytesRead: number;
  /** sha256 of the header bytes of every file: with fileBytes, an identity that survives a rename. */
  headerHash: string;
}

export class GgufError extends Error {
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'GgufError';
  }
}

export interface ReadOptions {
  /** Keep the values of every array (a test writer copies tokenizers); default keeps arrays of ≤ 4096 numbers/bools. */
  keepArrays?: boolean;
}

const FIRST_CHUNK = 256 * 1024;
const MAX_STEP = 4 * 1024 * 1024;
/** Far above any real header (largest vocabularies make ~10 MB); guards against a corrupt count sending us through a huge file. */
const MAX_HEADER = 256 * 1024 * 1024;
const MAX_STRING = 16 * 1024 * 1024;
const MAX_COUNT = 10_000_000;
const KEEP_ARRAY = 4096;
const GGML_MAX_DIMS = 4;

class NeedMore {
  constructor(readonly upTo: number) {}
}

class Cursor {
  pos = 0;
  constructor(
    public buf: Buffer,
    public eof: boolean,
    private readonly file: string,
    public where: string,
  ) {}

  private need(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.eof) throw new GgufError(this.file, `the file ends at byte ${this.buf.length} inside ${this.where}: it is truncated`);
    throw new NeedMore(this.pos + n);
  }
  u8(): number { this.need(1); return this.buf.readUInt8(this.pos++); }
  u32(): number { this.need(4); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  u64(): number {
    this.need(8);
    // Two 32-bit reads: BigInt per value was most of the time on a 150k-token vocabulary.
    const lo = this.buf.readUInt32LE(this.pos);
    const hi = this.buf.readUInt32LE(this.pos + 4);
    if (hi >= 0x200000) throw new GgufError(this.file, `${this.where}: value ${this.buf.readBigUInt64LE(this.pos)} at byte ${this.pos} is too large`);
    this.pos += 8;
    return hi * 0x100000000 + lo;
  }
  /** Skips a string without decoding it. */
  skipString(): void {
    const n = this.count('string length', MAX_STRING);
    this.need(n);
    this.pos += n;
  }
  count(what: string, max = MAX_COUNT): number {
    const at = this.pos;
    const n = this.u64();
    if (n > max) throw new GgufError(this.file, `${this.where}: ${what} ${n} at byte ${at} is not plausible (corrupt header?)`);
    return n;
  }
  string(): string {
    const n = this.count('string length', MAX_STRING);
    this.need(n);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
  scalar(type: number): GgufScalar {
    switch (type) {
      case 0: this.need(1); return this.buf.readUInt8(this.pos++);
      case 1: this.need(1); return this.buf.readInt8(this.pos++);
      case 2: { this.need(2); const v = this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
      case 3: { this.need(2); const v = this.buf.readInt16LE(this.pos); this.pos += 2; return v; }
      case 4: return this.u32();
      case 5: { this.need(4); const v = this.buf.readInt32LE(this.pos); this.pos += 4; return v; }
      case 6: { this.need(4); const v = this.buf.readFloatLE(this.pos); this.pos += 4; return v; }
      case 7: return this.u8() !== 0;
      case 8: return this.string();
      case 10: return this.u64();
      case 11: { this.need(8); const v = this.buf.readBigInt64LE(this.pos); this.pos += 8; return Number(v); }
      case 12: { this.need(8); const v = this.buf.readDoubleLE(this.pos); this.pos += 8; return v; }
      default: throw new GgufError(this.file, `${this.where}: unknown value type ${type} at byte ${this.pos - 4}`);
    }
  }
}

const SCALAR_SIZE: Partial<Record<number, number>> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

function readEntry(c: Cursor, file: string, keepArrays: boolean): GgufEntry {
  const type = c.u32();
  if (type !== 9) {
    const name = GGUF_TYPES[type];
    const value = c.scalar(type);
    return { type: name as GgufScalarType, value };
  }
  const of = c.u32();
  const ofName = GGUF_TYPES[of];
  if (!ofName || of === 9) throw new GgufError(file, `${c.where}: unsupported array element type ${of}`);
  const length = c.count('array length');
  const keep = keepArrays || (length <= KEEP_ARRAY && of !== 8);
  const size = SCALAR_SIZE[of];
  if (!keep && size !== undefined) {
    // Fixed-size elements are skipped in one step.
    const end = c.pos + length * size;
    if (end > c.buf.length) {
      if (c.eof) throw new GgufError(file, `the file ends at byte ${c.buf.length} inside ${c.where} (array of ${length} ${ofName}): it is truncated`);
      throw new NeedMore(end);
    }
    c.pos = end;
    return { type: 'array', of: ofName as GgufScalarType, length, values: null };
  }
  if (!keep) {
    // Strings: only their lengths are read.
    for (let i = 0; i < length; i++) c.skipString();
    return { type: 'array', of: ofName as GgufScalarType, length, values: null };
  }
  const values: GgufScalar[] = [];
  for (let i = 0; i < length; i++) values.push(c.scalar(of));
  return { type: 'array', of: ofName as GgufScalarType, length, values };
}

interface OneFile {
  metadata: Map<string, GgufEntry>;
  tensors: GgufTensorInfo[];
  version: number;
  headerEnd: number;
  dataOffset: number;
  size: number;
  bytesRead: number;
  hash: Buffer;
}

async function readOne(file: string, fileIndex: number, opts: ReadOptions): Promise<OneFile> {
  let fh: FileHandle;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new GgufError(file, code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message);
  }
  try {
    const size = (await fh.stat()).size;
    let buf = Buffer.alloc(0);
    let bytesRead = 0;
    const grow = async (upTo: number): Promise<boolean> => {
      if (upTo > MAX_HEADER) throw new GgufError(file, `the header would be larger than ${MAX_HEADER / 2 ** 20} MiB (corrupt header?)`);
      const want = Math.max(upTo, buf.length + Math.min(Math.max(buf.length, FIRST_CHUNK), MAX_STEP));
      const target = Math.min(want, size);
      if (target <= buf.length) return false;
      const next = Buffer.allocUnsafe(target);
      buf.copy(next);
      let at = buf.length;
      while (at < target) {
        const { bytesRead: n } = await fh.read(next, at, target - at, at);
        if (n === 0) break;
        at += n;
      }
      bytesRead += at - buf.length;
      buf = next.subarray(0, at);
      return true;
    };
    await grow(FIRST_CHUNK);
    const c = new Cursor(buf, buf.length >= size, file, 'the file header');
    // Parse one item; on NeedMore, read further and parse that item again.
    const item = async <T>(where: string, f: () => T): Promise<T> => {
      for (;;) {
        const start = c.pos;
        c.where = where;
        try {
          return f();
        } catch (e) {
          if (!(e instanceof NeedMore)) throw e;
          await grow(e.upTo);
          c.buf = buf;
          c.eof = buf.length >= size;
          c.pos = start;
        }
      }
    };

    const { version, nTensors, nKv } = await item('the file header', () => {
      if (c.buf.length < 4 || c.buf.toString('latin1', 0, 4) !== 'GGUF') {
        const head = c.buf.subarray(0, 4);
        throw new GgufError(file, head.length === 0 ? 'the file is empty' : `not a GGUF file (it starts with bytes ${head.toString('hex')}, not "GGUF")`);
      }
      c.pos = 4;
      const version = c.u32();
      if (version !== 2 && version !== 3) throw new GgufError(file, `GGUF version ${version} is not supported (2 and 3 are)`);
      return { version, nTensors: c.count('tensor count'), nKv: c.count('metadata count') };
    });

    const metadata = new Map<string, GgufEntry>();
    for (let i = 0; i < nKv; i++) {
      const [key, entry] = await item(`metadata entry ${i + 1} of ${nKv}`, () => {
        const key = c.string();
        c.where = `metadata key '${key}'`;
        return [key, readEntry(c, file, opts.keepArrays ?? false)] as const;
      });
      metadata.set(key, entry);
    }

    const tensors: GgufTensorInfo[] = [];
    for (let i = 0; i < nTensors; i++) {
      const t = await item(`tensor info ${i + 1} of ${nTensors}`, () => {
        const name = c.string();
        c.where = `tensor info '${name}'`;
        const nDims = c.u32();
        if (nDims > GGML_MAX_DIMS) throw new GgufError(file, `tensor '${name}' has ${nDims} dimensions (at most ${GGML_MAX_DIMS})`);
        const dims: number[] = [];
        for (let d = 0; d < nDims; d++) dims.push(c.u64());
        const type = c.u32();
        const offset = c.u64();
        return { name, dims, type, offset };
      });
      const gt = ggmlType(t.type);
      if (!gt) throw new GgufError(file, `tensor '${t.name}' has unknown type id ${t.type}`);
      if ((t.dims[0] ?? 1) % gt.blockSize !== 0) throw new GgufError(file, `tensor '${t.name}': row of ${t.dims[0]} is not a multiple of ${gt.name}'s block of ${gt.blockSize}`);
      tensors.push({ ...t, bytes: tensorBytes(gt, t.dims), file: fileIndex });
    }
    const headerEnd = c.pos;

    const alignEntry = metadata.get('general.alignment');
    const alignment = alignEntry && alignEntry.type !== 'array' ? Number(alignEntry.value) : 32;
    if (!Number.isInteger(alignment) || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
      throw new GgufError(file, `general.alignment ${String(alignment)} is not a power of two`);
    }
    const dataOffset = Math.ceil(headerEnd / alignment) * alignment;
    for (const t of tensors) {
      if (t.offset % alignment !== 0) throw new GgufError(file, `tensor '${t.name}': data offset ${t.offset} is not aligned to ${alignment}`);
      const end = dataOffset + t.offset + t.bytes;
      if (end > size) throw new GgufError(file, `tensor '${t.name}' ends at byte ${end} but the file has ${size} bytes: it is truncated`);
    }
    const hash = createHash('sha256').update(buf.subarray(0, headerEnd)).digest();
    return { metadata, tensors, version, headerEnd, dataOffset, size, bytesRead, hash };
  } finally {
    await fh.close();
  }
}

const SHARD_RE = /^(.*)-(\d{5})-of-(\d{5})\.gguf$/;

function entryNumber(m: Map<string, GgufEntry>, key: string): number | null {
  const e = m.get(key);
  return e && e.type !== 'array' && typeof e.value === 'number' ? e.value : null;
}

/** The header of a GGUF model; for a split model (`…-00001-of-00003.gguf`) the headers of all its shards. */
export async function readGgufHeader(file: string, opts: ReadOptions = {}): Promise<GgufHeader> {
  const first = await readOne(file, 0, opts);
  const files = [file];
  const parts = [first];
  const count = entryNumber(first.metadata, 'split.count') ?? 1;
  if (count > 1) {
    const no = entryNumber(first.metadata, 'split.no') ?? 0;
    const m = SHARD_RE.exec(path.basename(file));
    if (no !== 0) throw new GgufError(file, `this is shard ${no + 1} of ${count}; give llama-server the first shard (…-00001-of-${String(count).padStart(5, '0')}.gguf)`);
    if (!m) throw new GgufError(file, `a split model (${count} shards) whose name does not end in -00001-of-${String(count).padStart(5, '0')}.gguf`);
    for (let i = 2; i <= count; i++) {
      const shard = path.join(path.dirname(file), `${m[1]}-${String(i).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.gguf`);
      const p = await readOne(shard, i - 1, opts);
      if ((entryNumber(p.metadata, 'split.no') ?? -1) !== i - 1) throw new GgufError(shard, `expected split.no ${i - 1}`);
      files.push(shard);
      parts.push(p);
    }
  }
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p.hash);
  return {
    files,
    fileBytes: parts.reduce((a, p) => a + p.size, 0),
    version: first.version,
    metadata: first.metadata,
    tensors: parts.flatMap((p) => p.tensors),
    headerBytes: parts.reduce((a, p) => a + p.headerEnd, 0),
    bytesRead: parts.reduce((a, p) => a + p.bytesRead, 0),
    headerHash: hash.digest('hex'),
  };
}

/** A scalar metadata value as a number, or null. */
export function metaNumber(h: Pick<GgufHeader, 'metadata'>, key: string): number | null {
  return entryNumber(h.metadata, key);
}

export function metaString(h: Pick<GgufHeader, 'metadata'>, key: string): string | null {
  const e = h.metadata.get(key);
  return e && e.type !== 'array' && typeof e.value === 'string' ? e.value : null;
}

/** A per-layer value: a scalar applies to every layer; an array gives each layer's. */
export function metaPerLayer(h: Pick<GgufHeader, 'metadata'>, key: string, nLayer: number): number[] | null {
  const e = h.metadata.get(key);
  if (!e) return null;
  if (e.type !== 'array') return typeof e.value === 'number' ? Array<number>(nLayer).fill(e.value) : null;
  if (!e.values) return null;
  return Array.from({ length: nLayer }, (_, i) => Number(e.values![i] ?? 0));
}
