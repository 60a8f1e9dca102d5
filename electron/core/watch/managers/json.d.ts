export declare const str: (v: unknown) => string | null;
export declare const num: (v: unknown) => number | null;
export declare const list: (v: unknown) => unknown[];
export declare const field: (o: unknown, k: string) => unknown;
export declare const strings: (v: unknown) => string[];
/** The port of a URL ('http://127.0.0.1:8001/v1' → 8001); null when it names none. */
export declare function urlPort(v: string | null): number | null;
