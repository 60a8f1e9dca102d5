// Readiness of a file descriptor inside Node's event loop (koffi.node.poll:
// libuv's uv_poll, epoll on Linux), so a kernel-log record or a cgroup OOM
// notification is seen when it happens rather than at the next timer tick.
// Works for pollable fds (character devices such as /dev/kmsg, eventfds,
// pipes); epoll refuses regular files.
import koffi from 'koffi';
import { fstatSync } from 'node:fs';
import { EFD_CLOEXEC, EFD_NONBLOCK, errno, eventfd, LibcError } from './libc.js';

/**
 * Call `cb` once, the next time `fd` is readable (or hung up). One-shot, so
 * a reader that drains the fd asynchronously is not called again while it
 * still reads; it asks again when it has caught up. Returns a cancel.
 * Throws when the fd cannot be polled (a regular file or a directory).
 */
export function whenReadable(fd: number, cb: () => void): () => void {
  // koffi aborts the process (a fatal N-API error) when epoll refuses the fd: check first.
  const st = fstatSync(fd);
  if (st.isFile() || st.isDirectory()) throw new Error(`fd ${fd} is a ${st.isFile() ? 'regular file' : 'directory'}: it cannot be polled for readiness`);
  let handle: ReturnType<typeof koffi.node.poll> | null = null;
  const close = (): void => {
    const h = handle;
    handle = null;
    h?.close();
  };
  handle = koffi.node.poll(fd, { readable: true, disconnect: true }, () => {
    if (!handle) return;
    close();
    cb();
  });
  // Readiness must not keep the process alive on its own: whoever owns the fd decides that.
  handle.unref();
  return close;
}

/**
 * Call `cb` every time `fd` is readable, until the returned stop is called:
 * for a reader that drains the fd synchronously in `cb` (a netlink socket
 * with a datagram per event), where re-arming a one-shot watch per wake
 * would cost more than the read. Throws like whenReadable.
 */
export function whileReadable(fd: number, cb: () => void): () => void {
  const st = fstatSync(fd);
  if (st.isFile() || st.isDirectory()) throw new Error(`fd ${fd} is a ${st.isFile() ? 'regular file' : 'directory'}: it cannot be polled for readiness`);
  let handle: ReturnType<typeof koffi.node.poll> | null = koffi.node.poll(fd, { readable: true, disconnect: true }, () => {
    if (handle) cb();
  });
  handle.unref();
  return () => {
    const h = handle;
    handle = null;
    h?.close();
  };
}

/** A non-blocking, close-on-exec eventfd (for cgroup v1 memory.oom_control notifications). */
export function createEventfd(): number {
  const fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw new LibcError('eventfd', errno());
  return fd;
}
