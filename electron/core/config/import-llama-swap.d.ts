import type { ConfigIssue } from '../../common/state.js';
import { type LlamaSwapNote } from './llama-swap.js';
export interface ImportNote {
    file: string;
    line: number | null;
    /** The llama-swap key, dotted. */
    field: string;
    /** 'left-out': a model that is not imported; 'ignored': a key with no meaning in Vigil; 'note': worth knowing. */
    kind: LlamaSwapNote['kind'];
    message: string;
}
export type ImportResult = {
    ok: true;
    dest: string;
    backends: string[];
    notes: ImportNote[];
} | {
    ok: false;
    issues: ConfigIssue[];
};
/** The report as lines, grouped by kind (used for the file header and the CLI). */
export declare function importReport(notes: readonly ImportNote[]): string[];
export declare function importLlamaSwap(srcPath: string, destPath: string, opts?: {
    overwrite?: boolean;
}): Promise<ImportResult>;
