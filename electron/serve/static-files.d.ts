import type { ServerResponse } from 'node:http';
export declare function mimeType(file: string): string;
/**
 * Resolves a URL pathname inside `root`; null when it would escape it or is
 * malformed. '/' maps to index.html.
 */
export declare function resolveStatic(root: string, pathname: string): string | null;
/** Sends the file; returns false (nothing sent) when it is missing or not a file. */
export declare function sendStatic(res: ServerResponse, file: string, headers: Record<string, string>): Promise<boolean>;
