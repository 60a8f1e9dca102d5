import { type Found, type Seg } from './macros.js';
export interface Note {
    path: Seg[];
    kind: 'ignored' | 'left-out' | 'note';
    message: string;
}
export interface ModelInput {
    /** llama-swap's model ID. */
    id: string;
    /** The model after env macros, comment stripping and macros; `${PORT}` is substituted except in cmd and cmdStop. */
    model: Record<string, unknown>;
    /** False when proxy is llama-swap's default, http://localhost:${PORT}. */
    proxyGiven: boolean;
    /** The port llama-swap allocates for `${PORT}`, or null when cmd does not use it. */
    port: number | null;
    startupTimeoutS: number;
    globalUnloadTimeoutS: number;
    autostart: boolean;
    /** Why an `${env.NAME}` left in a value was not replaced. */
    envWhy: (name: string) => string;
}
export interface ModelOutput {
    backend: Record<string, unknown> | null;
    problems: Found[];
    notes: Note[];
    /** Vigil path under the backend (first segment) → llama-swap path, for the schema's messages. */
    source: (rest: readonly Seg[]) => Seg[];
}
export declare function convertModel(m: ModelInput): ModelOutput;
