/** '500ms', '2s', '1.5m', '1h' or a number of ms → ms. */
export declare function parseDuration(v: string | number): number | null;
