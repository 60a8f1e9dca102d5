// Types of the process layer (implemented in process.ts through koffi → libc).
// Kept apart so code above can name them without loading koffi.

export interface ProcessHandle {
  readonly pid: number;
  /** pidfd from pidfd_open; -1 when the kernel has none (pre-5.3) or after close. */
  readonly pidfd: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): guards against PID reuse. */
  readonly startTime: number;
  /** Process group (= session id, the child leads its own session). */
  readonly pgid: number;
  /** True when spawned by this process (so waitid works); false for adopted processes. */
  readonly isChild: boolean;
}

export type Stdio =
  | { kind: 'file'; path: string } // opened O_APPEND|O_CREAT in the child
  | { kind: 'pipe' } // the caller reads SpawnResult.stdoutFd/stderrFd
  | { kind: 'null' };

export interface SpawnOptions {
  /** Program: a path, or a bare name looked up in PATH (posix_spawnp). */
  file: string;
  /** argv including argv[0]; defaults to [file]. */
  argv?: string[];
  /** Full environment; defaults to process.env. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  stdout?: Stdio;
  /** Defaults to the same as stdout. */
  stderr?: Stdio;
}

export interface SpawnResult {
  handle: ProcessHandle;
  /** Read ends (non-blocking, close-on-exec) when stdio kind is 'pipe'; stderrFd is null when stderr was omitted (merged into stdout). */
  stdoutFd: number | null;
  stderrFd: number | null;
}

export type ProcessStateName =
  | 'running'
  | 'sleeping'
  | 'disk-sleep'
  | 'stopped'
  | 'zombie'
  | 'gone'
  | 'other';

export interface ProbeResult {
  state: ProcessStateName;
  /** Raw state letter from /proc/<pid>/stat, null when gone. */
  letter: string | null;
  ppid: number | null;
  pgid: number | null;
  comm: string | null;
}

export type ReapResult =
  | { exited: true; code: number | null; signal: number | null; coreDumped: boolean }
  | { exited: false; reason: 'running' | 'not-a-child' | 'already-reaped' };

export interface SignalOptions {
  /** Signal the whole process group (the child's session) instead of the process. */
  group?: boolean;
}

export interface TerminateOptions {
  /** Delay before SIGKILL; default 5000. */
  graceMs?: number;
  /** First signal; default SIGTERM. */
  signal?: NodeJS.Signals | number;
}
