import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLlamaMetrics } from './metrics.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('llama-server /metrics', () => {
  it('reads what the server built here exports (captured after one 16-token completion)', () => {
    const m = readLlamaMetrics(readFileSync(path.join(here, 'fixtures', 'local-metrics.txt'), 'utf8'));
    expect(m).toEqual({
      requestsProcessing: 0,
      requestsDeferred: 0,
      promptTokensPerSec: 8.47039,
      generatedTokensPerSec: 41.7873,
      promptTokensTotal: 3,
      generatedTokensTotal: 16,
      kvCacheUsageRatio: null,
      kvCacheTokens: null,
      tokensMax: 18,
      busySlotsPerDecode: 1,
      names: [
        'n_busy_slots_per_decode', 'n_decode_total', 'n_tokens_max', 'predicted_tokens_seconds', 'prompt_seconds_total',
        'prompt_tokens_cached_total', 'prompt_tokens_seconds', 'prompt_tokens_total', 'requests_deferred', 'requests_processing',
        'spec_decode_num_accepted_tokens_total', 'spec_decode_num_draft_tokens_total', 'spec_decode_num_drafts_total',
        'tokens_predicted_seconds_total', 'tokens_predicted_total',
      ],
    });
  });

  it('reads the KV cache gauges of versions that export them, and underscore names', () => {
    const m = readLlamaMetrics([
      '# HELP llamacpp:kv_cache_usage_ratio KV-cache usage. 1 means 100 percent usage.',
      '# TYPE llamacpp:kv_cache_usage_ratio gauge',
      'llamacpp:kv_cache_usage_ratio 0.25',
      '# TYPE llamacpp:kv_cache_tokens gauge',
      'llamacpp:kv_cache_tokens 1024',
      'llamacpp_requests_processing 2',
      'llamacpp:requests_deferred NaN',
      'other_exporter_metric 7',
      '',
    ].join('\n'));
    expect(m).toMatchObject({ kvCacheUsageRatio: 0.25, kvCacheTokens: 1024, requestsProcessing: 2, requestsDeferred: null, promptTokensPerSec: null });
    expect(m.names).toEqual(['kv_cache_tokens', 'kv_cache_usage_ratio', 'requests_deferred', 'requests_processing']);
  });

  it('rejects an error body, and reads malformed samples as null rather than 0', () => {
    expect(() => readLlamaMetrics('{"error":{"code":501,"message":"This server does not support metrics endpoint."}}\n')).toThrow(/not Prometheus text/);
    const m = readLlamaMetrics('llamacpp:requests_processing {{{\nllamacpp:requests_deferred abc\n');
    expect(m.requestsProcessing).toBeNull();
    expect(m.requestsDeferred).toBeNull();
  });
});
