// Wake-ups for a cgroup's OOM events, so a kill is counted when it happens
// instead of at the next poll: cgroup v1 signals an eventfd registered in
// cgroup.event_control against memory.oom_control; cgroup v2 notifies
// inotify watchers of memory.events on every change (kernfs_notify).
import { closeSync, openSync, readSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createEventfd, whenReadable } from '../../../native-bindings/readiness.js';

/** Calls `cb` on every OOM notification of the cgroup; returns a stop, or null where notifications cannot be had (poll only). */
export function onOomNotice(cg: { version: 1 | 2; path: string }, cb: () => void): (() => void) | null {
  try {
    return cg.version === 1 ? v1EventFd(cg.path, cb) : v2Inotify(cg.path, cb);
  } catch {
    return null;
  }
}

function v1EventFd(dir: string, cb: () => void): () => void {
  const efd = createEventfd();
  let ofd = -1;
  try {
    ofd = openSync(path.join(dir, 'memory.oom_control'), 'r');
    writeFileSync(path.join(dir, 'cgroup.event_control'), `${efd} ${ofd}`);
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
        // EAGAIN: another wake-up drained it already
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

function v2Inotify(dir: string, cb: () => void): () => void {
  const w = watch(path.join(dir, 'memory.events'), { persistent: false }, () => cb());
  w.on('error', () => w.close());
  return () => w.close();
}
