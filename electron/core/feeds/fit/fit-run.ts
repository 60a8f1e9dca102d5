// One started run of a llama-server backend, from the prediction made before
// its spawn to its end: the highest memory figures the sampler published for
// its process, what it took when it became ready and when it ended (into the
// measurement store), and the advice when the OOM killer took it.
import type { FitEstimate } from '../../../common/fit.js';
import type { BackendView, MemoryBreakdown } from '../../../common/state.js';
import type { FitEnvironment } from '../../fit/index.js';

export interface RunCommand {
  argv: readonly string[];
  cwd: string | null;
  env: Record<string, string | undefined>;
  /** The backend's `llama:` setting: true for a wrapper that runs llama-server. */
  llama?: boolean | null;
}

type Split = Pick<MemoryBreakdown, 'rss' | 'anon' | 'file'>;

export class FitRun {
  /** The process this run is, once the state shows it spawned. */
  pid: number | null = null;
  /** When the run was first seen ready (ms), null before. */
  readyAt: number | null = null;
  /** What it took was recorded once ready: only such runs are recorded again at their end. */
  recordedReady = false;
  /** The run's exit was seen. */
  ended = false;
  /** The OOM record the advice was last made for (its figures change when the kernel's line arrives). */
  adviceKey: string | null = null;
  adviceAnnounced = false;
  /** The tree's figures at its highest RSS so far. */
  private top: Split | null = null;

  constructor(
    readonly backend: string,
    /** Null: no prediction (not llama-server, unreadable model): nothing is measured. */
    readonly prediction: FitEstimate | null,
    readonly command: RunCommand,
    /** What there was when it started: the advice judges options against the same. */
    readonly machine: FitEnvironment,
    /** ms; a process that started before this is not this run's. */
    readonly predictedAt: number,
  ) {}

  /** Binds the run to the process the state shows, if it is this run's. */
  bind(b: Pick<BackendView, 'pid' | 'startedAt'>): void {
    if (this.pid === null && b.pid !== null && b.startedAt !== null && b.startedAt >= this.predictedAt) this.pid = b.pid;
  }

  /** A sample of this run's process tree. */
  sample(m: MemoryBreakdown | null): void {
    if (m && (!this.top || m.rss > this.top.rss)) this.top = { rss: m.rss, anon: m.anon, file: m.file };
  }

  /** The highest figures seen, or null before the first sample. */
  get peak(): Split | null {
    return this.top;
  }
}

/** Identity of an OOM record for the advice: another kill, or the same one with the kernel's figures now. */
export function oomKey(exit: NonNullable<BackendView['lastExit']>): string {
  return `${exit.pid}:${exit.oom?.source ?? 'none'}:${exit.oom?.anonRssKb ?? exit.oom?.rssKb ?? ''}`;
}
