import { type VigilConfig } from '../../common/config-schema.js';
import type { ConfigIssue } from '../../common/state.js';
export type ConfigFormat = 'vigil' | 'llama-swap';
export type ConfigLoadResult = {
    ok: true;
    config: VigilConfig;
    format: ConfigFormat;
    ignored: string[];
    created: boolean;
} | {
    ok: false;
    issues: ConfigIssue[];
    format: ConfigFormat | null;
};
/** Creates the directory and the commented example when the file is absent. */
export declare function ensureConfig(file: string): Promise<{
    created: boolean;
}>;
/** Loads `file`; with `create`, writes the example first when it is absent. */
export declare function loadConfig(file: string, opts?: {
    create?: boolean;
}): Promise<ConfigLoadResult>;
/** Parses config text; `file` is used for messages and to resolve relative `cwd`. */
export declare function parseConfigText(text: string, file: string): ConfigLoadResult;
