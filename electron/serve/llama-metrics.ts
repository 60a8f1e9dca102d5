// What llama-server backends say about themselves (their `llama` view), as
// Prometheus gauges with a backend label: slots, throughput, requests, memory
// per device and part from the server's own log, KV cache use. Only what is
// known, and only while the process runs: a dead server's last figures are
// history, not a reading.
import type { Gauge, Registry } from 'prom-client';
import type { BackendView } from '../common/state.js';
import { isLive } from '../common/status.js';

const PARTS = ['weights', 'kv', 'compute', 'other'] as const;

/** Registers the gauges; the returned function fills them for one backend (after the registry was reset). */
/** `GaugeClass` is passed in: prom-client is loaded on the first scrape (metrics.ts), not with this module. */
export function llamaGauges(registry: Registry, GaugeClass: typeof Gauge): (b: BackendView) => void {
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new GaugeClass<L>({ name, help, labelNames, registers: [registry] });
  const busy = g('vigil_llama_slots_busy', 'llama-server slots processing a request (/slots, or /metrics requests_processing).', ['backend']);
  const total = g('vigil_llama_slots_total', 'llama-server slots (parallel sequences).', ['backend']);
  const tps = g('vigil_llama_tokens_per_second', "llama-server's average throughput since its previous /metrics read (Vigil reads it at the probe's pace).", ['backend', 'kind']);
  const processing = g('vigil_llama_requests_processing', 'llama-server requests processing (/metrics, --metrics).', ['backend']);
  const deferred = g('vigil_llama_requests_deferred', 'llama-server requests deferred (/metrics, --metrics).', ['backend']);
  const memory = g('vigil_llama_memory_bytes', "Memory llama-server allocated, per device and part, from its own log (buffer sizes, printed at -lv 4).", ['backend', 'device', 'part']);
  const kvRatio = g('vigil_llama_kv_usage_ratio', 'KV cache use (builds that export llamacpp:kv_cache_usage_ratio).', ['backend']);

  return (b) => {
    const l = b.llama;
    if (!l || !isLive(b.status)) return;
    const backend = b.id;
    if (l.slots?.busy != null) busy.set({ backend }, l.slots.busy);
    if (l.slots?.total != null) total.set({ backend }, l.slots.total);
    const t = l.throughput;
    if (t?.promptTokensPerSec != null) tps.set({ backend, kind: 'prompt' }, t.promptTokensPerSec);
    if (t?.generatedTokensPerSec != null) tps.set({ backend, kind: 'generated' }, t.generatedTokensPerSec);
    if (t?.requestsProcessing != null) processing.set({ backend }, t.requestsProcessing);
    if (t?.requestsDeferred != null) deferred.set({ backend }, t.requestsDeferred);
    for (const d of l.memory) {
      // The server's pre-load projection is an estimate: not exported as what it holds.
      if (d.source !== 'log') continue;
      for (const part of PARTS) {
        const bytes = d[part];
        if (bytes !== null) memory.set({ backend, device: d.device, part }, bytes);
      }
    }
    if (l.kvUsage?.ratio != null) kvRatio.set({ backend }, l.kvUsage.ratio);
  };
}
