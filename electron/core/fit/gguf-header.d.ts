export declare const GGUF_TYPES: readonly ["u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"];
export type GgufScalarType = Exclude<(typeof GGUF_TYPES)[number], 'array'>;
export type GgufScalar = number | boolean | string;
export type GgufEntry = {
    type: GgufScalarType;
    value: GgufScalar;
}
/** Long arrays (the tokenizer's tokens, merges, scores) keep only their length unless asked. */
 | {
    type: 'array';
    of: GgufScalarType;
    length: number;
    values: GgufScalar[] | null;
};
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
export declare class GgufError extends Error {
    readonly file: string;
    readonly problem: string;
    constructor(file: string, problem: string);
}
export interface ReadOptions {
    /** Keep the values of every array (a test writer copies tokenizers); default keeps arrays of ≤ 4096 numbers/bools. */
    keepArrays?: boolean;
}
/** The header of a GGUF model; for a split model (`…-00001-of-00003.gguf`) the headers of all its shards. */
export declare function readGgufHeader(file: string, opts?: ReadOptions): Promise<GgufHeader>;
/** A scalar metadata value as a number, or null. */
export declare function metaNumber(h: Pick<GgufHeader, 'metadata'>, key: string): number | null;
export declare function metaString(h: Pick<GgufHeader, 'metadata'>, key: string): string | null;
/** A per-layer value: a scalar applies to every layer; an array gives each layer's. */
export declare function metaPerLayer(h: Pick<GgufHeader, 'metadata'>, key: string, nLayer: number): number[] | null;
