// Wake-ups for a cgroup's OOM events, so a kill is counted when it happens
// instead of at the next poll: cgroup v1 signals an eventfd registered in
// cgroup.event_control against memory.oom_control; cgroup v2 notifies
// inotify watchers of memory.events on every change (kernfs_notify).
import { watch } from 'node:fs';
import path from 'node:path';
import { onV1Event } from './v1-event.js';

/** Calls `cb` on every OOM notification of the cgroup; returns a stop, or null where notifications cannot be had (poll only). */
export function onOomNotice(cg: { version: 1 | 2; path: string }, cb: () => void): (() => void) | null {
  try {
    return cg.version === 1 ? onV1Event(cg.path, 'memory.oom_control', '', cb) : v2Inotify(cg.path, cb);
  } catch {
    return null;
  }
}

function v2Inotify(dir: string, cb: () => void): () => void {
  const w = watch(path.join(dir, 'memory.events'), { persistent: false }, () => cb());
  w.on('error', () => w.close());
  return () => w.close();
}
