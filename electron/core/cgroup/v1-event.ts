// A cgroup v1 notification: an eventfd registered in cgroup.event_control
// against one of the cgroup's files (memory.oom_control,
// memory.pressure_level, a threshold on memory.usage_in_bytes), read when the
// event loop sees it readable.
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
