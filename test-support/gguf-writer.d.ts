import { type GgufScalar, type GgufScalarType } from '../electron/core/fit/gguf-header.js';
export type KvValue = {
    type: GgufScalarType;
    value: GgufScalar;
} | {
    type: 'array';
    of: GgufScalarType;
    values: GgufScalar[];
};
export type Kv = [key: string, value: KvValue];
export interface TensorSpec {
    name: string;
    dims: number[];
    /** ggml type id */
    type: number;
}
export declare const kv: {
    u32: (value: number) => KvValue;
    i32: (value: number) => KvValue;
    u64: (value: number) => KvValue;
    f32: (value: number) => KvValue;
    bool: (value: boolean) => KvValue;
    str: (value: string) => KvValue;
    arr: (of: GgufScalarType, values: GgufScalar[]) => KvValue;
};
export interface EncodedHeader {
    header: Buffer;
    /** Where the data section starts (header padded to the alignment). */
    dataOffset: number;
    /** Each tensor's offset within the data section. */
    offsets: number[];
    dataBytes: number;
}
export declare function encodeGgufHeader(kvs: Kv[], tensors: TensorSpec[], opts?: {
    alignment?: number;
    version?: number;
}): EncodedHeader;
export interface WriteOptions {
    alignment?: number;
    /** 'sparse': the data section is a hole; 'fill': written with filler values. */
    data?: 'sparse' | 'fill';
}
/** Writes a GGUF file; returns its total size. */
export declare function writeGguf(file: string, kvs: Kv[], tensors: TensorSpec[], opts?: WriteOptions): number;
