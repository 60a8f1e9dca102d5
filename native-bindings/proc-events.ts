// The kernel's process events connector (netlink NETLINK_CONNECTOR,
// CN_IDX_PROC): a datagram for every fork, exec and exit on the machine, the
// moment it happens, with the exit code and signal of any process — which
// otherwise only its parent learns. Needs CAP_NET_ADMIN (root); where the
// kernel refuses, `openProcEvents` says why and callers fall back to
// polling /proc. Readiness comes through the event loop (readiness.ts, one
// kept watch drained on each wake), so nothing polls.
import { release as osRelease } from 'node:os';
import * as c from './libc.js';
import { whileReadable } from './readiness.js';
import { signalName } from './signals.js';

const NETLINK_CONNECTOR = 11;
const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const PROC_CN_MCAST_LISTEN = 1;
const PROC_CN_MCAST_IGNORE = 2;
const NLMSG_DONE = 3;
const NLMSG_HDRLEN = 16;
const CN_MSG_LEN = 20;
/** proc_event: what, cpu, timestamp_ns (8-aligned), then the union. */
const EV = NLMSG_HDRLEN + CN_MSG_LEN;
const UNION = EV + 16;
const PROC_EVENT_FORK = 0x1;
const PROC_EVENT_EXEC = 0x2;
const PROC_EVENT_EXIT = 0x80000000;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;
const SO_RCVBUFFORCE = 33;

export type ProcEvent =
  | { type: 'fork'; pid: number; ppid: number }
  | { type: 'exec'; pid: number }
  /** code: its exit status when it exited by itself; signal: what ended it otherwise. */
  | { type: 'exit'; pid: number; code: number | null; signal: string | null; ppid: number | null };

export interface ProcEvents {
  /** Read what is queued now (an exit seen through a pidfd may have its event waiting here). */
  drain(): void;
  close(): void;
  /** Datagrams the kernel dropped because Vigil read too slowly (ENOBUFS): events were missed, /proc is the truth. */
  readonly overruns: number;
}

/** The wait status the kernel reports (task->exit_code) as an exit code or a signal. */
export function decodeExit(status: number): { code: number | null; signal: string | null } {
  const sig = status & 0x7f;
  if (sig === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalName(sig) ?? `signal ${sig}` };
}

/** The listen/ignore request; with `mask`, the kernel's own filter (struct proc_input, Linux 6.6): only those events are sent. */
function message(op: number, mask: number | null = null): Buffer {
  const data = mask === null ? 4 : 8;
  const b = Buffer.alloc(NLMSG_HDRLEN + CN_MSG_LEN + data);
  b.writeUInt32LE(b.length, 0);
  b.writeUInt16LE(NLMSG_DONE, 4);
  b.writeUInt32LE(process.pid, 12);
  b.writeUInt32LE(CN_IDX_PROC, NLMSG_HDRLEN);
  b.writeUInt32LE(CN_VAL_PROC, NLMSG_HDRLEN + 4);
  b.writeUInt16LE(data, NLMSG_HDRLEN + 16);
  b.writeUInt32LE(op, NLMSG_HDRLEN + CN_MSG_LEN);
  if (mask !== null) b.writeUInt32LE(mask, NLMSG_HDRLEN + CN_MSG_LEN + 4);
  return b;
}

const EVENT_BITS: Record<ProcEvent['type'], number> = { fork: PROC_EVENT_FORK, exec: PROC_EVENT_EXEC, exit: PROC_EVENT_EXIT };

/** Linux 6.6 and later filter the events in the kernel (a listen request with an event mask); older ones send them all. */
function kernelFilters(release = osRelease()): boolean {
  const [major = 0, minor = 0] = release.split('.').map((x) => Number.parseInt(x, 10));
  return major > 6 || (major === 6 && minor >= 6);
}

/** Parse the datagrams of one recv into events (threads' forks and exits left out: processes only). */
export function parseProcEvents(b: Buffer, n: number, out: ProcEvent[]): void {
  for (let at = 0; at + NLMSG_HDRLEN <= n; ) {
    const len = b.readUInt32LE(at);
    if (len < NLMSG_HDRLEN || at + len > n) return;
    if (len >= UNION - 0 + 8) {
      const what = b.readUInt32LE(at + EV);
      const u = at + UNION;
      if (what === PROC_EVENT_FORK) {
        const childPid = b.readUInt32LE(u + 8);
        const childTgid = b.readUInt32LE(u + 12);
        if (childPid === childTgid) out.push({ type: 'fork', pid: childPid, ppid: b.readUInt32LE(u + 4) });
      } else if (what === PROC_EVENT_EXEC) {
        out.push({ type: 'exec', pid: b.readUInt32LE(u + 4) });
      } else if (what === PROC_EVENT_EXIT && len >= UNION + 16) {
        const pid = b.readUInt32LE(u);
        if (pid === b.readUInt32LE(u + 4)) {
          // parent_pid/parent_tgid came with Linux 4.x; older kernels send a shorter datagram.
          const ppid = len >= UNION + 24 ? b.readUInt32LE(u + 20) : null;
          out.push({ type: 'exit', pid, ...decodeExit(b.readUInt32LE(u + 8)), ppid: ppid || null });
        }
      }
      // uid, gid, sid, ptrace, comm, coredump events: not needed.
    }
    at += (len + 3) & ~3;
  }
}

/**
 * Subscribe to the process events; `onEvents` gets them in batches, as read.
 * Throws LibcError when the kernel refuses (EPERM without CAP_NET_ADMIN,
 * EPROTONOSUPPORT without CONFIG_PROC_EVENTS).
 */
export function openProcEvents(onEvents: (events: ProcEvent[]) => void, opts: { only?: readonly ProcEvent['type'][] } = {}): ProcEvents {
  const wanted = new Set<ProcEvent['type']>(opts.only ?? ['fork', 'exec', 'exit']);
  const fd = c.socket(c.AF_NETLINK, c.SOCK_DGRAM | c.SOCK_NONBLOCK | c.SOCK_CLOEXEC, NETLINK_CONNECTOR);
  if (fd < 0) throw new c.LibcError('socket(NETLINK_CONNECTOR)', c.errno());
  let open = true;
  let cancel: (() => void) | null = null;
  let overruns = 0;
  const fail = (call: string): never => {
    const e = c.errno();
    c.close(fd);
    throw new c.LibcError(call, e);
  };
  // A burst of forks (a build) must not overflow the default ~200 KiB: ask for 4 MiB (FORCE works for root).
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 * 1024 * 1024, 0);
  if (c.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4) !== 0) c.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, size, 4);
  const addr = Buffer.alloc(12);
  addr.writeUInt16LE(c.AF_NETLINK, 0);
  addr.writeUInt32LE(0, 4); // the kernel picks our port id
  addr.writeUInt32LE(CN_IDX_PROC, 8);
  if (c.bind(fd, addr, addr.length) !== 0) fail('bind(CN_IDX_PROC)');
  // Every thread's creation is a fork event and every thread's end an exit event: a busy machine sends many; ask for fewer where the kernel can filter.
  const mask = wanted.size < 3 && kernelFilters() ? [...wanted].reduce((m, t) => m | EVENT_BITS[t], 0) >>> 0 : null;
  const listen = message(PROC_CN_MCAST_LISTEN, mask);
  if (c.send(fd, listen, listen.length, 0) !== listen.length) fail('send(PROC_CN_MCAST_LISTEN)');

  const buf = Buffer.alloc(64 * 1024);
  const read = (): void => {
    const events: ProcEvent[] = [];
    for (;;) {
      const n = Number(c.recv(fd, buf, buf.length, 0));
      if (n < 0) {
        const e = c.errno();
        if (e === c.ERRNO.ENOBUFS) {
          overruns++;
          continue;
        }
        if (e === c.ERRNO.EINTR) continue;
        break; // EAGAIN: drained
      }
      if (n === 0) break;
      parseProcEvents(buf, n, events);
    }
    const kept = wanted.size < 3 ? events.filter((e) => wanted.has(e.type)) : events;
    if (kept.length) onEvents(kept);
  };
  cancel = whileReadable(fd, () => {
    if (open) read();
  });
  return {
    get overruns() {
      return overruns;
    },
    drain() {
      if (open) read();
    },
    close() {
      if (!open) return;
      open = false;
      cancel?.();
      const ignore = message(PROC_CN_MCAST_IGNORE);
      c.send(fd, ignore, ignore.length, 0);
      c.close(fd);
    },
  };
}
