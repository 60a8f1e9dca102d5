import { type Found, type Seg } from './llama-swap/macros.js';
import { type Note } from './llama-swap/model.js';
type Obj = Record<string, unknown>;
export type LlamaSwapProblem = Found;
export type LlamaSwapNote = Note;
export interface LlamaSwapConversion {
    /** Vigil config input (before the schema), e.g. `{ backends: { … } }`. */
    config: Obj;
    /** One line per key that did not carry over (and per model left out), with why. */
    ignored: string[];
    /** The same, with llama-swap paths so a report can give their lines. */
    notes: LlamaSwapNote[];
    /** Errors: the file cannot be imported until they are fixed. */
    problems: LlamaSwapProblem[];
    /** Maps a path in `config` back to the llama-swap path it came from. */
    sourcePath(path: readonly Seg[]): Seg[];
}
/** True when the parsed YAML looks like a llama-swap file rather than a Vigil one. */
export declare function isLlamaSwap(doc: unknown): boolean;
export declare function convertLlamaSwap(doc: Obj, env?: NodeJS.ProcessEnv): LlamaSwapConversion;
export {};
