// What the card says about a llama-server, as sentences and rows: how far
// its load has got, where its memory went (per device, with where the figure
// comes from), its slots and throughput, the last generation probe, and the
// reason its log gives for the last exit. Absent data gives null: the panel
// leaves it out rather than showing a dash.
import { formatBytes, formatDuration } from '../../electron/common/format.js';
import type { LlamaBufferKind, LlamaDeathReason, LlamaDeviceMemory, LlamaGenerationProbe, LlamaView } from '../../electron/common/llama.js';
import type { BackendView } from '../../electron/common/state.js';
import { hasProcess } from '../../electron/common/status.js';

/** The flag that makes llama-server print its buffer sizes; offered, never added. */
export const VERBOSE_FLAG = '-lv 4';

/** Whether the view is about a process that runs now (else it is the last run's). */
export const isCurrent = (b: Pick<BackendView, 'status'>): boolean => hasProcess(b.status);

/** 'Loading model 45 %', 'Serving on http://127.0.0.1:8080' … while the process runs; null otherwise. */
export function phaseText(b: Pick<BackendView, 'status'>, l: LlamaView): string | null {
  if (!isCurrent(b)) return null;
  switch (l.phase) {
    case 'starting':
      return 'Starting';
    case 'loading':
      return l.loadProgress !== null ? `Loading model ${Math.round(l.loadProgress * 100)} %` : 'Loading model';
    case 'loaded':
      return 'Model loaded, opening for requests';
    case 'listening':
      return l.listenUrl ? `Serving on ${l.listenUrl}` : 'Serving';
    case 'stopping':
      return 'Shutting down';
    case 'failed':
      return 'Giving up (see its log)';
  }
}

/** 'tiny-model · F16 · 8.7 MiB', from what the log and /props say; null when nothing is known. */
export function modelText(l: LlamaView): string | null {
  const name = l.model.name ?? (l.model.path ? l.model.path.split('/').pop()! : null);
  const parts = [name, l.model.fileType, l.model.fileBytes !== null ? formatBytes(l.model.fileBytes) : null].filter((p): p is string => !!p);
  return parts.length ? parts.join(' · ') : null;
}

/** '4096 tokens, 4 slots of 4096' or the parts known. */
export function contextText(l: LlamaView): string | null {
  const parts: string[] = [];
  if (l.contextSize !== null) parts.push(`${l.contextSize} tokens`);
  if (l.offload) parts.push(`${l.offload.layers}/${l.offload.of} layers on GPU`);
  return parts.length ? parts.join(', ') : null;
}

export interface MemoryPart {
  kind: LlamaBufferKind;
  label: string;
  bytes: number;
  /** '1.0 MiB (4096 cells, f16)'. */
  text: string;
}

export interface DeviceMemory {
  key: string;
  /** 'Host RAM', 'CUDA0 (RTX 4090)'. */
  label: string;
  total: number;
  parts: MemoryPart[];
  /** Where the figures come from, as the card says it. */
  source: string;
}

const PART_LABEL: Record<LlamaBufferKind, string> = { weights: 'weights', kv: 'KV cache', compute: 'compute', other: 'other' };
const SOURCE_LABEL: Record<LlamaDeviceMemory['source'], string> = {
  log: 'from its log',
  'fit-estimate': "llama-server's estimate before loading",
};

function kvDetail(l: LlamaView): string | null {
  const c = l.kvCaches;
  if (c.length === 0) return null;
  const cells = c.reduce((n, k) => n + (k.cells ?? 0), 0);
  const types = [...new Set(c.map((k) => (k.typeK && k.typeV && k.typeK !== k.typeV ? `${k.typeK}/${k.typeV}` : (k.typeK ?? k.typeV))).filter(Boolean))];
  const parts = [cells > 0 ? `${cells} cells` : null, types.length ? types.join(', ') : null].filter(Boolean);
  return parts.length ? parts.join(', ') : null;
}

/** One row per device, parts in a fixed order; empty when the log gave no sizes. */
export function memoryRows(l: LlamaView): DeviceMemory[] {
  const kv = kvDetail(l);
  return l.memory.map((d) => {
    const parts: MemoryPart[] = [];
    for (const kind of ['weights', 'kv', 'compute', 'other'] as const) {
      const bytes = d[kind];
      if (bytes === null || bytes <= 0) continue;
      parts.push({ kind, label: PART_LABEL[kind], bytes, text: `${formatBytes(bytes)}${kind === 'kv' && kv ? ` (${kv})` : ''}` });
    }
    const label = d.host ? 'Host RAM' : `${d.device}${d.description ? ` (${d.description})` : ''}`;
    return { key: d.device, label, total: parts.reduce((n, p) => n + p.bytes, 0), parts, source: SOURCE_LABEL[d.source] };
  });
}

/**
 * Without sizes in the log (llama-server's default verbosity): what /proc
 * says of the running process tree, labelled so, and the flag that adds the
 * sizes. Null while the log has them, or nothing is known.
 */
export function procMemoryText(b: Pick<BackendView, 'status' | 'memory'> & Partial<Pick<BackendView, 'fit'>>, l: LlamaView): { text: string | null; hint: string | null } | null {
  if (l.memory.length > 0 || !isCurrent(b)) return null;
  const m = b.memory;
  const hint = l.phase === 'loaded' || l.phase === 'listening' ? `Its log gives weights, KV cache and compute per device when llama-server runs with ${VERBOSE_FLAG}.` : null;
  const proc = m ? `RSS ${formatBytes(m.rss)} (anonymous ${formatBytes(m.anon)}, file-backed ${formatBytes(m.file)}), from /proc` : null;
  const p = b.fit?.predicted;
  const estimate = p ? `${formatBytes(p.total)} (anonymous ${formatBytes(p.anon)}, file-backed ${formatBytes(p.file)}), Vigil's fit estimate` : null;
  const text = [proc, estimate].filter((t): t is string => t !== null).join('; ') || null;
  return text || hint ? { text, hint } : null;
}

/** '1 of 4 slots busy, 4096 tokens each, 2 requests waiting'. */
export function slotsText(l: LlamaView): string | null {
  const s = l.slots;
  if (!s || s.total === null) return null;
  const parts = [s.busy !== null ? `${s.busy} of ${s.total} slots busy` : `${s.total} slots`];
  if (s.contextPerSlot !== null) parts.push(`${s.contextPerSlot} tokens each`);
  const waiting = l.throughput?.requestsDeferred;
  if (waiting) parts.push(`${waiting} request${waiting === 1 ? '' : 's'} waiting`);
  return parts.join(', ');
}

const rate = (v: number): string => `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} tok/s`;

/**
 * 'generated 41.8 tok/s, prompt 8.5 tok/s; tokens so far: 3 prompt, 16
 * generated'. The rates are llama-server's averages over the interval since
 * Vigil's previous /metrics read, so a kind with no work in that interval
 * reads 0: it is left out, and with neither the server is 'idle'.
 */
export function throughputText(l: LlamaView): string | null {
  const t = l.throughput;
  if (!t) return null;
  const rates = [
    t.generatedTokensPerSec ? `generated ${rate(t.generatedTokensPerSec)}` : null,
    t.promptTokensPerSec ? `prompt ${rate(t.promptTokensPerSec)}` : null,
  ].filter(Boolean);
  const totals = [t.promptTokensTotal !== null ? `${t.promptTokensTotal} prompt` : null, t.generatedTokensTotal !== null ? `${t.generatedTokensTotal} generated` : null].filter(Boolean);
  const parts = [rates.length ? rates.join(', ') : 'idle'];
  if (totals.length) parts.push(`tokens so far: ${totals.join(', ')}`);
  if (l.kvUsage?.ratio != null) parts.push(`KV cache ${Math.round(l.kvUsage.ratio * 100)} % used`);
  return parts.join('; ');
}

/** 'ok 12s ago: generated 1 token in 14 ms'. */
export function probeText(p: LlamaGenerationProbe | null, now: number): { tone: 'ok' | 'bad' | 'idle'; text: string } | null {
  if (!p) return null;
  const ago = formatDuration(Math.max(0, now - p.at));
  const tone = p.outcome === 'ok' ? 'ok' : p.outcome === 'failed' ? 'bad' : 'idle';
  return { tone, text: `${p.outcome} ${ago} ago: ${p.detail}` };
}

/** The reason the log gave for the last exit (the process the card's last exit is about), if it gave one. */
export function lastExitReason(b: Pick<BackendView, 'lastExit'>, l: LlamaView): LlamaDeathReason | null {
  const d = l.lastDeath;
  return d && b.lastExit && d.pid === b.lastExit.pid ? d.reason : null;
}
