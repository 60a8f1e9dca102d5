// Which pids were each backend's processes, and when: the leader from its
// spawn (or adoption) to its exit, every process of its tree from the first
// memory sample that saw it to the first that did not. An OOM kill is
// attributed to a backend only through this record (see attribute.ts), so it
// is kept in the state directory: a fresh Vigil reading the kernel log's
// backlog can still name the backend of a kill its predecessor saw happen,
// and never blames one for a pid it did not own.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../diagnostics.js';

export const PID_HISTORY_FILE = 'pid-history.json';

/**
 * The kernel stamps its log on its own clock, which drifts from the wall
 * clock over a long uptime; a kill this close to a span still counts as in it.
 */
export const CLOCK_SLACK_MS = 10_000;
/** Spans kept per backend (the oldest ended ones go first). */
export const SPANS_PER_BACKEND = 64;
/** Spans that ended longer ago than this are dropped: no kernel log reaches that far back. */
export const MAX_AGE_MS = 30 * 24 * 3600_000;
const FLUSH_DELAY_MS = 5_000;

const Span = z.tuple([z.number().int().positive(), z.number(), z.number().nullable()]);
const FileShape = z.object({ version: z.literal(1), backends: z.record(z.string(), z.array(Span)) });

interface PidSpan {
  pid: number;
  start: number;
  /** null while the process is one of the backend's. */
  end: number | null;
}

export interface LeaderView {
  id: string;
  pid: number | null;
  /** ms since epoch when the process started, when known. */
  startedAt: number | null;
}

export class PidHistory {
  private readonly spans = new Map<string, PidSpan[]>();
  /** What the last observations showed live, per backend: the leader and the tree. */
  private readonly leaders = new Map<string, number>();
  private readonly trees = new Map<string, Set<number>>();
  /** Spans a previous Vigil left open, closed at load: reopened if the same process still runs (adopted). */
  private readonly closedAtLoad = new Set<PidSpan>();
  /** Backends whose leader from before the load still runs. */
  private readonly resumed = new Set<string>();
  private dirty = false;
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    readonly file: string,
    private readonly logger: Logger,
    private readonly loadedAt: number,
  ) {}

  /** Load the history a previous Vigil left in `stateDir` (none, torn or foreign: start empty). */
  static open(stateDir: string, logger: Logger, now = Date.now()): PidHistory {
    const h = new PidHistory(path.join(stateDir, PID_HISTORY_FILE), logger, now);
    let text: string | null = null;
    try {
      text = readFileSync(h.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn(`${h.file}: cannot read the pid history, starting a new one`, e);
    }
    if (text === null) return h;
    let parsed: z.infer<typeof FileShape>;
    try {
      parsed = FileShape.parse(JSON.parse(text));
    } catch (e) {
      logger.warn(`${h.file}: not a pid history, starting a new one`, e);
      return h;
    }
    for (const [id, list] of Object.entries(parsed.backends)) {
      const spans = list.map(([pid, start, end]) => ({ pid, start, end }));
      for (const s of spans) {
        if (s.end !== null) continue;
        // That Vigil stopped watching without seeing the end: it came before now.
        s.end = now;
        h.closedAtLoad.add(s);
      }
      h.spans.set(id, spans);
    }
    return h;
  }

  /** The backends' leaders as the state shows them now (called on every state change). */
  observeLeaders(backends: readonly LeaderView[], now = Date.now()): void {
    const seen = new Set<string>();
    for (const b of backends) {
      seen.add(b.id);
      const was = this.leaders.get(b.id);
      if (was === (b.pid ?? undefined)) continue;
      if (was !== undefined) {
        this.leaders.delete(b.id);
        this.endIfGone(b.id, was, now);
      }
      if (b.pid !== null) {
        this.leaders.set(b.id, b.pid);
        this.begin(b.id, b.pid, b.startedAt ?? now, 'leader');
      }
    }
    // A backend removed from the config: its leader is no longer watched.
    for (const [id, pid] of this.leaders) {
      if (seen.has(id)) continue;
      this.leaders.delete(id);
      this.endIfGone(id, pid, now);
    }
  }

  /** One memory sample: each sampled backend's process-tree pids at `time`. */
  observeTrees(trees: ReadonlyMap<string, readonly number[]>, time = Date.now()): void {
    for (const [id, live] of this.trees) {
      const now = trees.get(id);
      for (const pid of live) {
        if (now?.includes(pid)) continue;
        live.delete(pid);
        this.endIfGone(id, pid, time);
      }
      if (!now) this.trees.delete(id);
    }
    for (const [id, pids] of trees) {
      let live = this.trees.get(id);
      if (!live) this.trees.set(id, (live = new Set()));
      for (const pid of pids) {
        if (live.has(pid)) continue;
        live.add(pid);
        this.begin(id, pid, time, 'tree');
      }
    }
  }

  /** The backend whose process `pid` was at `time` (null: now), or null. */
  ownerOf(pid: number, time: number | null): string | null {
    let best: { id: string; distance: number } | null = null;
    for (const [id, spans] of this.spans) {
      for (const s of spans) {
        if (s.pid !== pid) continue;
        if (time === null) {
          if (s.end === null) return id;
          continue;
        }
        const distance = time < s.start ? s.start - time : s.end !== null && time > s.end ? time - s.end : 0;
        if (distance <= CLOCK_SLACK_MS && (!best || distance < best.distance)) best = { id, distance };
      }
    }
    return best?.id ?? null;
  }

  /** Write now if anything changed (shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty) return;
    this.dirty = false;
    const backends: Record<string, [number, number, number | null][]> = {};
    for (const [id, spans] of this.spans) backends[id] = spans.map((s) => [s.pid, s.start, s.end]);
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: 1, backends }) + '\n', { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (e) {
      // A full or read-only disk is a condition to state, not a fault to trace: the message, no stack.
      this.logger.warn(`${this.file}: cannot save the pid history (a later Vigil may not attribute older OOM kills): ${(e as Error).message}`);
    }
  }

  close(): void {
    this.flush();
  }

  private begin(id: string, pid: number, start: number, via: 'leader' | 'tree'): void {
    const spans = this.spans.get(id) ?? [];
    this.spans.set(id, spans);
    const open = spans.find((s) => s.pid === pid && s.end === null);
    if (open) {
      if (start < open.start) open.start = start; // the leader's spawn time is earlier than the sample that saw it
      return;
    }
    // Still running since the previous Vigil (adopted): the span goes on. A
    // leader that started before this load is that process; a tree pid is
    // taken to be when its backend's leader is.
    const resumed = spans.find((s) => s.pid === pid && this.closedAtLoad.has(s));
    if (resumed && (via === 'leader' ? start <= this.loadedAt : this.resumed.has(id))) {
      this.closedAtLoad.delete(resumed);
      resumed.end = null;
      if (via === 'leader') this.resumed.add(id);
    } else {
      spans.push({ pid, start, end: null });
      this.prune(spans, start);
    }
    this.changed();
  }

  /** A pid left one view (leader or tree); its span ends once it is in neither. */
  private endIfGone(id: string, pid: number, time: number): void {
    if (this.leaders.get(id) === pid || this.trees.get(id)?.has(pid)) return;
    const open = this.spans.get(id)?.find((s) => s.pid === pid && s.end === null);
    if (!open) return;
    open.end = Math.max(time, open.start);
    this.changed();
  }

  private prune(spans: PidSpan[], now: number): void {
    for (let i = spans.length - 1; i >= 0; i--) {
      const s = spans[i]!;
      if (s.end !== null && now - s.end > MAX_AGE_MS) spans.splice(i, 1);
    }
    while (spans.length > SPANS_PER_BACKEND) {
      const i = spans.findIndex((s) => s.end !== null);
      spans.splice(i < 0 ? 0 : i, 1);
    }
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer) return;
    // Batched: a crash-looping backend changes its leader every few seconds.
    this.timer = setTimeout(() => this.flush(), FLUSH_DELAY_MS);
    this.timer.unref();
  }
}
