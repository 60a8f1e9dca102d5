// llama-server's /metrics (Prometheus text, served when started with
// --metrics) read into the figures Vigil shows. Names are those of
// tools/server: "llamacpp:" and the metric (some exporters rewrite the colon
// to "_", so both are accepted). Which metrics exist depends on the version:
// the build made here exports no kv_cache_usage_ratio / kv_cache_tokens
// (upstream removed them), older ones do; absent ones read null.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

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
export function readLlamaMetrics(text: string): LlamaMetricsReading {
  let families: ReturnType<typeof parsePrometheusTextFormat>;
  try {
    families = parsePrometheusTextFormat(text);
  } catch (e) {
    throw new Error(`not Prometheus text (${(e as Error).message.slice(0, 200)})`, { cause: e });
  }
  const values = new Map<string, number>();
  for (const family of families) {
    const m = /^llamacpp[:_](.+)$/.exec(family.name);
    const sample = family.metrics[0];
    if (!m || !sample?.value?.trim()) continue;
    values.set(m[1]!, Number(sample.value));
  }
  const get = (name: string): number | null => {
    const v = values.get(name);
    return v !== undefined && Number.isFinite(v) ? v : null;
  };
  return {
    requestsProcessing: get('requests_processing'),
    requestsDeferred: get('requests_deferred'),
    promptTokensPerSec: get('prompt_tokens_seconds'),
    generatedTokensPerSec: get('predicted_tokens_seconds'),
    promptTokensTotal: get('prompt_tokens_total'),
    generatedTokensTotal: get('tokens_predicted_total'),
    kvCacheUsageRatio: get('kv_cache_usage_ratio'),
    kvCacheTokens: get('kv_cache_tokens'),
    tokensMax: get('n_tokens_max'),
    busySlotsPerDecode: get('n_busy_slots_per_decode'),
    names: [...values.keys()].sort(),
  };
}
