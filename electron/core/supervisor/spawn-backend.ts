// Starting one backend process: argv with its macros filled in, environment,
// the log file it appends to, its memory cgroup, and the running.json record
// that lets a later Vigil adopt it. No state decisions: the supervisor makes
// those from what this returns.
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import path from 'node:path';
import { OOM_SCORE_ADJ_DEFAULT } from '../../common/config-schema.js';
import { LibcError, spawnProcess, SpawnError, type ProcessHandle } from '../../../native-bindings/process.js';
import type { MemoryLimit } from './memory-limit.js';
import { applyOomScoreAdj, readOomScoreAdj } from './oom-score.js';
import type { RunningRegistry } from './running-registry.js';
import type { SupervisedBackendConfig } from './types.js';

/**
 * `${PORT}` and `${PID}` replaced in every element; a value not known yet
 * (null/undefined) leaves its macro as written, as the command is shown
 * before a port is chosen.
 */
export function substitute(argv: readonly string[], v: { port?: number | null; pid?: number | null }): string[] {
  const port = v.port ?? null;
  const pid = v.pid ?? null;
  return argv.map((a) => {
    let out = a;
    if (port !== null && out.includes('${PORT}')) out = out.split('${PORT}').join(String(port));
    if (pid !== null && out.includes('${PID}')) out = out.split('${PID}').join(String(pid));
    return out;
  });
}

/** The child's environment: Vigil's, with the backend's own on top. */
export function backendEnv(cfg: SupervisedBackendConfig): Record<string, string | undefined> {
  return { ...process.env, ...cfg.env };
}

function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

/** Null when the log can be appended to, else the error code. */
function logUnwritable(logPath: string): string | null {
  try {
    closeSync(openSync(logPath, 'a'));
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  }
}

export interface LaunchDeps {
  logPath: string;
  limit: MemoryLimit;
  registry: RunningRegistry;
  /** Writes a Vigil line into the backend's log. */
  note?: ((text: string) => void) | undefined;
  /** The process runs, but something around it failed (e.g. running.json not writable). */
  warn: (reason: string) => void;
}

export type Launch =
  | { ok: true; handle: ProcessHandle; argv: string[]; startedAt: number; logOffset: number; oomScoreAdj: number | null }
  | { ok: false; argv: string[]; reason: string };

/**
 * Spawn the backend on `port`. A program that cannot be started is an
 * expected failure (ok: false, with a reason for the user); anything else
 * thrown is a fault and propagates.
 */
export function launch(cfg: SupervisedBackendConfig, port: number | null, d: LaunchDeps): Launch {
  const argv = substitute(cfg.cmd, { port });
  try {
    mkdirSync(path.dirname(d.logPath), { recursive: true });
  } catch {
    // spawn reports the real problem (the log file cannot be opened)
  }
  const logOffset = fileSize(d.logPath);
  // The cgroup exists (with its limit) before the process does, so it is placed at once.
  d.limit.ensure(cfg.memoryLimit);
  d.note?.(`starting: ${argv.join(' ')}`);
  // A log that cannot be opened (state directory read-only or full of
  // inodes) must not stop the backend: its output is dropped for this run,
  // and the user is told why the log stays empty.
  const unwritable = logUnwritable(d.logPath);
  if (unwritable) d.warn(`log ${d.logPath} cannot be opened (${unwritable}): this run's output is discarded`);
  let handle: ProcessHandle;
  try {
    handle = spawnProcess({
      file: argv[0] ?? '',
      argv,
      env: backendEnv(cfg),
      ...(cfg.cwd ? { cwd: cfg.cwd } : {}),
      stdout: { kind: 'file', path: unwritable ? '/dev/null' : d.logPath },
    }).handle;
  } catch (e) {
    if (e instanceof SpawnError) return { ok: false, argv, reason: `spawn failed: ${e.code} ${e.path}` };
    if (e instanceof LibcError) return { ok: false, argv, reason: `spawn failed: ${e.message}` };
    throw e;
  }
  const startedAt = Date.now();
  d.limit.place(handle.pid, cfg.memoryLimit);
  const oomScoreAdj = killPriority(cfg, handle.pid, d.warn);
  try {
    d.registry.set({ id: cfg.id, pid: handle.pid, startTime: handle.startTime, pgid: handle.pgid, port, logPath: d.logPath, command: argv, startedAt });
  } catch (e) {
    d.warn(`could not record pid ${handle.pid} for adoption by a later Vigil: ${(e as Error).message}`);
  }
  return { ok: true, handle, argv, startedAt, logOffset, oomScoreAdj };
}

/**
 * The backend's oom_score_adj for its session (oom-score.ts); 0 leaves the
 * kernel's own choice alone. Returns the value the process has afterwards.
 */
export function killPriority(cfg: SupervisedBackendConfig, pid: number, warn: (reason: string) => void): number | null {
  const wanted = cfg.oom?.scoreAdj ?? OOM_SCORE_ADJ_DEFAULT;
  if (wanted === 0) return readOomScoreAdj(pid);
  const r = applyOomScoreAdj(pid, wanted);
  if (!r.ok) warn(`kill priority not set: ${r.why}`);
  return r.value;
}
