// Reads a llama-server's log as it grows and keeps what it says about the
// load: the phase, the model, the context and KV cache, where the memory
// went (log-memory.ts). Fed text as it arrives (chunks need not end on a
// line boundary); keeps only those facts and the unfinished last line. An
// unknown line is ignored, never an error: the log is a debugging aid whose
// wording changes between versions, so each fact is matched by the words
// that have stayed stable, wherever they sit on the line.
//
// Formats covered (see fixtures/): the build made here (0.4.0-dev, with the
// "0.00.039.360 I " prefix) at default verbosity and at -lv 4, and the
// shapes of upstream versions from 2024 to 2026 (llm_load_tensors /
// load_tensors, llama_kv_cache_init / llama_kv_cache_unified /
// llama_kv_cache, llama_new_context_with_model / llama_context /
// sched_reserve, "main: HTTP server is listening" / "main: server is
// listening on" / "llama_server: listening on", JSON log lines).
import type { LlamaBufferKind, LlamaLoadPhase, LlamaView } from '../../common/llama.js';
import { normalizeLine, toBytes } from './log-line.js';
import { MemoryLedger } from './log-memory.js';

/** What the log says: the view's log-derived fields, plus the slot split the API reports later. */
export type LlamaLogFacts = Pick<LlamaView, 'phase' | 'loadProgress' | 'listenUrl' | 'build' | 'logVerbosity' | 'model' | 'contextSize' | 'kvCaches' | 'offload' | 'memory'> & {
  contextPerSlot: number | null;
  slots: number | null;
};

const RANK: Record<LlamaLoadPhase, number> = { starting: 0, loading: 1, loaded: 2, listening: 3, stopping: 4, failed: 5 };
// A line longer than this is not one the parser wants; an unfinished one that long is dropped.
const MAX_LINE = 64 * 1024;
const SIZE = String.raw`([\d.]+) ([KMG]i?B)`;

const RE = {
  weights: new RegExp(String.raw`\b(?:load_tensors|llm_load_tensors):\s+(\S+) (?:model )?buffer size\s*=\s*${SIZE}`),
  kvBuffer: new RegExp(String.raw`(\S+) (?:KV|RS) buffer size\s*=\s*${SIZE}`),
  compute: new RegExp(String.raw`(\S+) compute buffer size\s*=\s*${SIZE}`),
  io: new RegExp(String.raw`(\S+)\s+(?:output|input) buffer size\s*=\s*${SIZE}`),
  kvSize: /\bsize\s*=\s*([\d.]+) MiB \(\s*(\d+) cells,\s*(\d+) layers,\s*(\d+)(?:\/(\d+))? seqs\), K \((\w+)\):\s*[\d.]+ MiB, V \((\w+)\)/,
  kvSelf: /KV self size\s*=\s*([\d.]+) MiB, K \((\w+)\):\s*[\d.]+ MiB, V \((\w+)\)/,
  table: /memory breakdown \[MiB\]/,
  nCtx: /\b(?:llama_context|llama_new_context_with_model|llama_init_from_model):\s+n_ctx\s*=\s*(\d+)/,
  nSlots: /\bn_slots\s*=\s*(\d+)/,
  nParallel: /\busing n_parallel = (\d+)/,
  ctxSlot: /\bn_ctx_slot\s*=\s*(\d+)/,
  loadingModel: /\bload_model: loading model '(.+)'/,
  metaFrom: /loaded meta data with \d+ key-value pairs and \d+ tensors from (.+?) \(version/,
  generalName: /\bgeneral\.name(?:\s+str)?\s*=\s*(.+?)\s*$/,
  fileType: /\b(?:print_info: file type|model ftype)\s*=\s*(.+?)\s*$/,
  fileSize: new RegExp(String.raw`\b(?:print_info: file size|model size)\s*=\s*${SIZE}`),
  build: /\bbuild(?::|\s*=)?\s+(\d+) \(([0-9a-f]{6,40})\)|\bbuild\s*[:=]\s*(\d+),? commit\s*[:=]\s*"?([0-9a-f]{6,40})/,
  offload: /\boffloaded (\d+)\/(\d+) layers to GPU/,
  usingDevice: /\busing device (\S+) \((.+?)\)(?: \([\w:.]+\))?(?: - (\d+) MiB free)?\s*$/,
  gpuFamily: /\bggml_cuda_init: found \d+ (\w+) devices/,
  gpuDevice: /^\s*Device (\d+): ([^,]+),(?:.*VRAM: (\d+) MiB)?/,
  vulkanDevice: /\bggml_vulkan: (\d+) = (.+?) \([\w ]+\) \| uma/,
  oldHttpListening: /HTTP server (?:is )?listening/,
  hostname: /\bhostname\s*[:=]\s*"?([^",\s|]+)/,
  port: /\bport\s*[:=]\s*"?(\d+)/,
  listening: /\b(?:server is )?listening on (https?:\/\/\S+|unix:\S+|\S+:\d+)/,
  modelLoaded: /\bmodel loaded\b/,
  loadStart: /\b(?:main: loading model|llama_server: loading model|llama_model_load_from_file|llama_model_loader: loaded meta data)/,
  stopping: /cleaning up before exit|\breceived (?:SIGINT|SIGTERM|signal)/,
  failed: /exiting due to (?:model loading|HTTP server) error|\bexiting due to\b/,
  dots: /^\.+$/,
  verbosity: /\bverbosity = (\d+) \(adjust with/,
};

export class LlamaLogParser {
  private partial = '';
  private f!: LlamaLogFacts;
  private ledger!: MemoryLedger;
  private gpuFamily = 'CUDA';
  private dirtyMemory = false;

  constructor() {
    this.reset();
  }

  /** Forget everything: a new process starts writing (the caller feeds from its start offset). */
  reset(): void {
    this.partial = '';
    this.ledger = new MemoryLedger();
    this.gpuFamily = 'CUDA';
    this.dirtyMemory = false;
    this.f = {
      phase: 'starting',
      loadProgress: null,
      listenUrl: null,
      build: null,
      logVerbosity: null,
      model: { path: null, name: null, fileType: null, fileBytes: null },
      contextSize: null,
      contextPerSlot: null,
      slots: null,
      kvCaches: [],
      offload: null,
      memory: [],
    };
  }

  /** Text as it arrives; returns whether a line the parser reads was among it. */
  feed(chunk: string): boolean {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > MAX_LINE) this.partial = '';
    let changed = false;
    for (const l of lines) if (this.line(l)) changed = true;
    // The loader's progress dots arrive one at a time, without a newline until 100 %.
    const tail = normalizeLine(this.partial).text;
    if (RE.dots.test(tail)) changed = this.progress(tail.length) || changed;
    return changed;
  }

  /** The writer is gone: its unfinished last line is as complete as it will get. */
  flush(): boolean {
    const rest = this.partial;
    this.partial = '';
    return rest !== '' && this.line(rest);
  }

  /** One complete line; returns whether it was one the parser reads (so a fact may have changed). */
  line(raw: string): boolean {
    if (raw.length > MAX_LINE) return false;
    // Most lines (requests, slots) are none of ours and cost only the matching.
    if (!this.apply(normalizeLine(raw).text)) return false;
    if (this.dirtyMemory) {
      this.f.memory = this.ledger.devices();
      this.dirtyMemory = false;
    }
    return true;
  }

  facts(): LlamaLogFacts {
    return structuredClone(this.f);
  }

  private advance(to: LlamaLoadPhase): void {
    const now = this.f.phase;
    if (now === 'failed') return;
    if (to === 'failed' || to === 'stopping' || (now !== 'stopping' && RANK[to] > RANK[now])) this.f.phase = to;
  }

  private progress(dots: number): boolean {
    const p = Math.min(1, dots / 100);
    if (this.f.loadProgress === p) return false;
    this.f.loadProgress = p;
    return true;
  }

  private buffer(name: string, kind: LlamaBufferKind, value: string, unit: string): true {
    const bytes = toBytes(value, unit);
    if (bytes !== null) {
      this.ledger.addBuffer(name, kind, bytes);
      this.dirtyMemory = true;
    }
    return true;
  }

  private apply(t: string): boolean {
    if (this.ledger.tableRow(t)) return (this.dirtyMemory = true);
    let m: RegExpExecArray | null;
    if (RE.dots.test(t)) return this.progress(t.length) || true;
    if ((m = RE.weights.exec(t))) return this.buffer(m[1]!, 'weights', m[2]!, m[3]!);
    if ((m = RE.kvBuffer.exec(t))) return this.buffer(m[1]!, 'kv', m[2]!, m[3]!);
    if ((m = RE.compute.exec(t))) return this.buffer(m[1]!, 'compute', m[2]!, m[3]!);
    if ((m = RE.io.exec(t))) return this.buffer(m[1]!, 'other', m[2]!, m[3]!);
    if ((m = RE.kvSize.exec(t))) {
      this.f.kvCaches.push({ cells: Number(m[2]), layers: Number(m[3]), seqs: Number(m[4]), streams: m[5] ? Number(m[5]) : null, typeK: m[6]!, typeV: m[7]!, bytes: toBytes(m[1]!, 'MiB')! });
      return true;
    }
    if ((m = RE.kvSelf.exec(t))) {
      this.f.kvCaches.push({ cells: null, layers: null, seqs: null, streams: null, typeK: m[2]!, typeV: m[3]!, bytes: toBytes(m[1]!, 'MiB')! });
      return true;
    }
    if (RE.table.test(t)) {
      // Tables before the model is loaded are common_fit_params' projections; the one at exit is what was held.
      this.ledger.tableHeader(RANK[this.f.phase] < RANK.loaded && !this.ledger.hasBuffers);
      return (this.dirtyMemory = true);
    }
    if ((m = RE.nCtx.exec(t))) {
      // The first context is the model's; a draft model's context comes later.
      this.f.contextSize ??= Number(m[1]);
      return true;
    }
    const slot = RE.ctxSlot.exec(t);
    if (slot) this.f.contextPerSlot ??= Number(slot[1]);
    if ((m = RE.nSlots.exec(t) ?? RE.nParallel.exec(t))) {
      this.f.slots = Number(m[1]);
      return true;
    }
    if (slot) return true;
    if ((m = RE.loadingModel.exec(t) ?? RE.metaFrom.exec(t))) {
      this.f.model.path ??= m[1]!;
      this.advance('loading');
      return true;
    }
    if ((m = RE.generalName.exec(t))) return Boolean((this.f.model.name ??= m[1]!));
    if ((m = RE.fileType.exec(t))) return Boolean((this.f.model.fileType ??= m[1]!));
    if ((m = RE.fileSize.exec(t))) {
      this.f.model.fileBytes ??= toBytes(m[1]!, m[2]!);
      return true;
    }
    if ((m = RE.offload.exec(t))) {
      this.f.offload = { layers: Number(m[1]), of: Number(m[2]) };
      return true;
    }
    if (this.device(t)) return true;
    if ((m = RE.build.exec(t))) return Boolean((this.f.build ??= `b${m[1] ?? m[3]}-${m[2] ?? m[4]}`));
    if ((m = RE.verbosity.exec(t))) return Boolean((this.f.logVerbosity = Number(m[1])));
    return this.milestone(t);
  }

  private device(t: string): boolean {
    let m: RegExpExecArray | null;
    if ((m = RE.usingDevice.exec(t))) {
      this.ledger.noteDevice(m[1]!, m[2]!, null, m[3] ? Number(m[3]) * 1024 * 1024 : null);
    } else if ((m = RE.gpuFamily.exec(t))) {
      this.gpuFamily = m[1]!;
    } else if ((m = RE.gpuDevice.exec(t))) {
      this.ledger.noteDevice(`${this.gpuFamily}${m[1]}`, m[2]!.trim(), m[3] ? Number(m[3]) * 1024 * 1024 : null, null);
    } else if ((m = RE.vulkanDevice.exec(t))) {
      this.ledger.noteDevice(`Vulkan${m[1]}`, m[2]!, null, null);
    } else {
      return false;
    }
    this.dirtyMemory = true;
    return true;
  }

  private milestone(t: string): boolean {
    let m: RegExpExecArray | null;
    if (RE.oldHttpListening.test(t)) {
      // Builds of late 2024 and 2025 open the port before loading (/health answers 503 until "model
      // loaded"); earlier ones, and their forks, say it once loaded.
      const host = RE.hostname.exec(t)?.[1];
      const port = RE.port.exec(t)?.[1];
      if (host && port) this.f.listenUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      this.advance(RANK[this.f.phase] >= RANK.loaded ? 'listening' : 'loading');
    } else if ((m = RE.listening.exec(t))) {
      this.f.listenUrl = m[1]!;
      this.advance('listening');
    } else if (RE.modelLoaded.test(t)) {
      this.advance('loaded');
      if (this.f.loadProgress !== null) this.f.loadProgress = 1;
    } else if (RE.loadStart.test(t)) {
      this.advance('loading');
    } else if (RE.failed.test(t)) {
      this.advance('failed');
    } else if (RE.stopping.test(t)) {
      this.advance('stopping');
    } else {
      return false;
    }
    return true;
  }
}
