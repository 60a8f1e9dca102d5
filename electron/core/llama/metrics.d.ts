export interface LlamaMetricsReading {
    requestsProcessing: number | null;
    requestsDeferred: number | null;
    /** Average tokens/s over the interval since the server's previous /metrics answer (it resets the interval on each read). */
    promptTokensPerSec: number | null;
    generatedTokensPerSec: number | null;
    promptTokensTotal: number | null;
    generatedTokensTotal: number | null;
    kvCacheUsageRatio: number | null;
    kvCacheTokens: number | null;
    /** Largest sequence (prompt + generation) seen so far. */
    tokensMax: number | null;
    busySlotsPerDecode: number | null;
    /** Every llamacpp metric the server exported, without the prefix. */
    names: string[];
}
/**
 * Parses /metrics text; throws when it is not Prometheus text. A sample
 * whose value cannot be read (the library blanks some malformed lines)
 * reads null, never 0.
 */
export declare function readLlamaMetrics(text: string): LlamaMetricsReading;
