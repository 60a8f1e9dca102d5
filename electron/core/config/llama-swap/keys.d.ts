/** Settings that carry over (the converter handles them). */
export declare const TOP_MAPPED: Record<string, string>;
export declare const MODEL_MAPPED: Record<string, string>;
export declare const TOP_IGNORED: Record<string, string>;
export declare const MODEL_IGNORED: Record<string, string>;
export declare const UNKNOWN_KEY = "not a llama-swap setting (llama-swap ignores it too)";
