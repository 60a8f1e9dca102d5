// Wake-ups for the guard on cgroup v1, where the kernel offers them for a
// memory cgroup: memory.pressure_level ("medium": reclaim is under way) and
// a threshold on memory.usage_in_bytes (the charge crossed the point where
// MemAvailable of the limited machine reaches the guard's floor), both
// through cgroup.event_control and an eventfd. They only make the guard read
// at once instead of at its next interval; the decision is the same.
// (cgroup v2's PSI triggers signal POLLPRI, which the event loop's poll here
// does not expose, so on v2 and on the host the guard reads on its interval.)
import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEventfd, whenReadable } from '../../../native-bindings/readiness.js';

/** Calls `cb` on each v1 notification of `file` (with its arguments, e.g. a threshold in bytes) in `dir`; returns a stop. Throws where it cannot be armed. */
export function onV1Event(dir: string, file: string, args: string, cb: () => void): () => void {
  const efd = createEventfd();
  let ofd = -1;
  try {
    ofd = openSync(path.join(dir, file), 'r');
    writeFileSync(path.join(dir, 'cgroup.event_control'), `${efd} ${ofd}${args ? ` ${args}` : ''}`);
  } catch (e) {
    closeSync(efd);
    if (ofd >= 0) closeSync(ofd);
    throw e;
  }
  const counter = Buffer.alloc(8);
  let cancel: (() => void) | null = null;
  let stopped = false;
  const arm = (): void => {
    cancel = whenReadable(efd, () => {
      try {
        readSync(efd, counter, 0, 8, null);
      } catch {
        // EAGAIN: drained already
      }
      if (stopped) return;
      arm();
      cb();
    });
  };
  arm();
  return () => {
    stopped = true;
    cancel?.();
    closeSync(efd);
    closeSync(ofd);
  };
}

/** Wake-ups of a v1 memory cgroup; `usageAbove` bytes arms the usage threshold. Returns a stop and what could not be armed. */
export function v1Wakeups(dir: string, usageAbove: number | null, cb: () => void): { stop: () => void; missing: string[] } {
  const stops: (() => void)[] = [];
  const missing: string[] = [];
  try {
    stops.push(onV1Event(dir, 'memory.pressure_level', 'medium', cb));
  } catch (e) {
    missing.push(`memory.pressure_level: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (usageAbove !== null && usageAbove > 0) {
    try {
      stops.push(onV1Event(dir, 'memory.usage_in_bytes', String(Math.floor(usageAbove)), cb));
    } catch (e) {
      missing.push(`memory.usage_in_bytes threshold: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return { stop: () => stops.forEach((s) => s()), missing };
}
