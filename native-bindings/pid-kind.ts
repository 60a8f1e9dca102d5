// Is this pid a process? pidfd_open answers without the kernel formatting
// any /proc text: it opens a process (a thread-group leader, zombie or not),
// and refuses a thread that is not its group's leader (EINVAL before Linux
// 6.9, ENOENT since) or a pid that does not exist (ESRCH). Discovery uses it
// to pass over the threads among newly handed-out pids, which on a desktop
// are most of them: ~1 µs here, against ~10 µs for reading /proc/<pid>/stat.
import * as c from './libc.js';

/** 'other': a thread, or gone. 'unknown': no pidfd_open (kernel < 5.3) or the call failed (EMFILE …); read /proc instead. */
export type PidKind = 'process' | 'other' | 'unknown';

export function pidKind(pid: number): PidKind {
  if (!Number.isInteger(pid) || pid <= 0) return 'other';
  const fd = c.pidfd_open(pid);
  if (fd >= 0) {
    c.close(fd);
    return 'process';
  }
  const e = c.errno();
  if (e === c.ERRNO.ESRCH || e === c.ERRNO.EINVAL || e === c.ERRNO.ENOENT) return 'other';
  return 'unknown';
}
