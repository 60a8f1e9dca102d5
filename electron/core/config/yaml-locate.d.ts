import { type Document, type LineCounter } from 'yaml';
export interface Located {
    line: number;
    column: number;
    /** How many path segments exist in the document (the rest is missing). */
    depth: number;
}
type Seg = string | number;
/** Position of `path` (or of its deepest existing ancestor). `atKey` points at the last key rather than its value. */
export declare function locate(doc: Document, lc: LineCounter, path: readonly Seg[], atKey?: boolean): Located | null;
export {};
