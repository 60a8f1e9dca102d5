// What a supervisor runs: the backend's configuration as the supervisor reads it.
export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface SupervisedBackendConfig {
  id: string;
  name?: string;
  /** argv; `${PORT}` is substituted in every element. */
  cmd: string[];
  env: Record<string, string>;
  cwd?: string | null;
  port: number | 'auto';
  health: {
    /** null: no HTTP probe; a live process counts as ready. */
    path: string | null;
    intervalMs: number;
    timeoutMs: number;
    /** Consecutive failed probes before `unhealthy`. */
    unhealthyAfter: number;
    /** Consecutive failed probes before an `unresponsive` restart. */
    restartAfter: number;
    /** Longest time in starting/loading before an `unresponsive` restart. */
    startupTimeoutMs: number;
    /** The llama-server generation probe (opt-in); absent or null: none. */
    generate?: { everyMs: number; timeoutMs: number } | null;
  };
  restart: {
    policy: RestartPolicy;
    backoff: { initialMs: number; factor: number; maxMs: number };
    limit: { count: number; windowMs: number };
  };
  stop: {
    signal: NodeJS.Signals | string;
    graceMs: number;
    /** argv run instead of sending `signal` (`${PID}`, `${PORT}` filled in); null: send the signal. */
    cmd: string[] | null;
  };
  memoryLimit: number | null;
  /** OOM-kill priority and the pressure guard's policy (absent: the schema's defaults). */
  oom?: { scoreAdj: number; onPressure: 'stop' | 'restart-smaller' | 'never'; priority: number };
  /** What a start does with a prediction that it won't fit (absent: warn). */
  fit?: { policy: 'warn' | 'refuse' };
  autostart: boolean;
  keepRunningOnQuit: boolean;
  /** Watched as a llama-server: true/false forces it; absent or null: by the command's name. */
  llama?: boolean | null;
}
