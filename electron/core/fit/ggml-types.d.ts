export interface GgmlType {
    id: number;
    name: string;
    blockSize: number;
    typeSize: number;
}
export declare function ggmlType(id: number): GgmlType | undefined;
export declare function ggmlTypeByName(name: string): GgmlType | undefined;
/** Bytes of one row of `n` elements (ggml_row_size). */
export declare function rowBytes(t: GgmlType, n: number): number;
/** Bytes of a whole tensor: the first dimension is the row, the others multiply. */
export declare function tensorBytes(t: GgmlType, dims: readonly number[]): number;
/** The types llama-server accepts for -ctk/-ctv (common/arg.cpp kv_cache_types). */
export declare const KV_CACHE_TYPES: readonly ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1", "iq4_nl", "q5_0", "q5_1"];
export type KvCacheType = (typeof KV_CACHE_TYPES)[number];
