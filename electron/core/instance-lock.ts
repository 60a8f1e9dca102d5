// One Vigil per state directory: two would both adopt the backends recorded
// in running.json, and two supervisors would then restart one process.
//
// The exclusion is a listening socket in Linux's abstract namespace named
// after the directory's device and inode: the kernel refuses a second bind
// and frees the name when the holder exits, however it exits (a crash or
// SIGKILL leaves nothing stuck, and there is no stale file to judge). Next to
// it, `vigil.lock` in the directory says who holds it — pid, start time, the
// host (desktop app or `vigil serve`) and, once its host knows it, the
// dashboard URL — so a second instance can say in one line where to go instead.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { readStartTime } from '../../native-bindings/process.js';
import type { Logger } from './diagnostics.js';

export const LOCK_FILE = 'vigil.lock';

/** Which host runs the core: the desktop app (a window, no URL) or `vigil serve` (a dashboard URL). */
export type VigilHost = 'desktop' | 'serve';

const Holder = z.object({
  pid: z.number().int().positive(),
  /** /proc/<pid>/stat start time (clock ticks after boot): tells the holder from a later process with its pid. */
  startTime: z.number().int().nonnegative().nullable(),
  since: z.number(),
  dashboardUrl: z.string().nullable(),
  /** Null when the holder did not say (a core run on its own). */
  host: z.enum(['desktop', 'serve']).nullable().default(null),
});
export type LockHolder = z.infer<typeof Holder>;

/** 'the Vigil desktop app (pid 41)', 'another Vigil (pid 41)'; 'another Vigil' when the lock file vouches for no live process. */
export function describeHolder(holder: LockHolder | null): string {
  if (!holder) return 'another Vigil';
  return holder.host === 'desktop' ? `the Vigil desktop app (pid ${holder.pid})` : `another Vigil (pid ${holder.pid})`;
}

/** Where the holder's dashboard is, as the second half of the one-line refusal. */
function whereIs(holder: LockHolder | null): string {
  if (holder?.dashboardUrl) return `its dashboard: ${holder.dashboardUrl}`;
  if (holder?.host === 'desktop') return 'use its window (click its tray icon)';
  return 'it has published no dashboard URL (still starting?)';
}

export class InstanceLockedError extends Error {
  constructor(
    readonly stateDir: string,
    /** Who holds the lock, when its file could be read and names a live process. */
    readonly holder: LockHolder | null,
  ) {
    super(`${describeHolder(holder)} is already running with state directory ${stateDir}; ${whereIs(holder)}`);
    this.name = 'InstanceLockedError';
  }
}

export interface InstanceLock {
  readonly file: string;
  /** Record where this instance's dashboard is (null: none), for a second instance to name. */
  setDashboardUrl(url: string | null): void;
  release(): Promise<void>;
}

function readHolder(file: string): LockHolder | null {
  try {
    const h = Holder.parse(JSON.parse(readFileSync(file, 'utf8')));
    // Only a live process with the recorded start time is the holder; anything else is a leftover.
    return h.startTime === null || readStartTime(h.pid) === h.startTime ? h : null;
  } catch {
    return null;
  }
}

function listen(server: Server, name: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => (e.code === 'EADDRINUSE' ? resolve(false) : reject(e));
    server.once('error', onError);
    server.listen({ path: name }, () => {
      server.off('error', onError);
      resolve(true);
    });
  });
}

const lockName = (st: { dev: number; ino: number }): string => `\0vigil/state/${st.dev}:${st.ino}`;

/**
 * Whether another Vigil holds the state directory now, without taking it:
 * a host checks this before anything else it might refuse for, so a second
 * `vigil serve --port 8765` names the Vigil on 8765 rather than a busy port.
 */
export async function lockedBy(stateDir: string): Promise<InstanceLockedError | null> {
  let st;
  try {
    st = statSync(stateDir);
  } catch {
    return null; // no directory, no holder
  }
  const probe = createServer();
  if (!(await listen(probe, lockName(st)))) return new InstanceLockedError(stateDir, readHolder(path.join(stateDir, LOCK_FILE)));
  await new Promise<void>((r) => probe.close(() => r()));
  return null;
}

/**
 * Take the state directory (which must exist), or throw InstanceLockedError
 * naming the holder. `host` is recorded so a second instance can say what
 * holds it (the desktop app has a window, not a URL).
 */
export async function acquireInstanceLock(stateDir: string, logger: Logger, host: VigilHost | null = null): Promise<InstanceLock> {
  const st = statSync(stateDir);
  const server = createServer((sock) => sock.destroy());
  server.unref();
  if (!(await listen(server, lockName(st)))) throw new InstanceLockedError(stateDir, readHolder(path.join(stateDir, LOCK_FILE)));

  const file = path.join(stateDir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, startTime: readStartTime(process.pid), since: Date.now(), dashboardUrl: null, host };
  const write = (): void => {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(holder) + '\n', { mode: 0o600 });
    renameSync(tmp, file);
  };
  try {
    write();
  } catch (e) {
    server.close();
    throw e;
  }
  let released = false;
  return {
    file,
    setDashboardUrl: (url) => {
      if (released) return;
      holder.dashboardUrl = url;
      try {
        write();
      } catch (e) {
        logger.warn(`${file}: cannot record the dashboard URL`, e);
      }
    },
    release: async () => {
      if (released) return;
      released = true;
      rmSync(file, { force: true });
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
