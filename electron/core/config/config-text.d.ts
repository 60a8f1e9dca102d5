import type { ConfigIssue } from '../../common/state.js';
/** A config is a few KiB; anything far larger is not one (and is not read into memory). */
export declare const MAX_CONFIG_BYTES: number;
/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export declare function firstInvalidUtf8(buf: Buffer): number;
/** The file's text, or the one issue that says why it is not a config. */
export declare function readConfigText(file: string): Promise<{
    text: string;
} | {
    issue: ConfigIssue;
}>;
