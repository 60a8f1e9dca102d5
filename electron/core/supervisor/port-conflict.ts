// The port a backend listens on: fixed in config, or chosen free for
// `port: auto` and kept across restarts — until the backend's own log says
// the port was taken, when the next start chooses another. Also the log-tail
// read that an exit's explainers share.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { pickFreePort } from '../ports.js';

const PORT_IN_USE = /address already in use|couldn'?t bind|EADDRINUSE/i;
/** How much of the log an exit looks at (the newest bytes of this process's output). */
export const LOG_TAIL_BYTES = 64 * 1024;

export class PortChoice {
  private current: number | null = null;
  private rechoose = false;

  constructor(private configured: number | 'auto') {}

  /** The port of the running (or last) process; null before its first start. */
  get port(): number | null {
    return this.current;
  }

  setConfigured(port: number | 'auto'): void {
    this.configured = port;
  }

  /** The port for the next spawn: synchronous when known, so a restart waits for nothing. */
  next(): number | Promise<number> {
    if (this.configured !== 'auto') return this.configured;
    if (this.current !== null && !this.rechoose) return this.current;
    this.rechoose = false;
    return pickFreePort();
  }

  /** The process on `port` was started (or adopted). */
  use(port: number | null): void {
    this.current = port;
  }

  /**
   * After an exit: did the process say its port was taken? Then, for an
   * auto port, the next start picks another. Returns what to tell the user,
   * or null when the log says nothing of the kind.
   */
  conflict(logTail: string): string | null {
    if (!PORT_IN_USE.test(logTail)) return null;
    if (this.configured !== 'auto') return `port ${this.configured} is in use by another process (fixed in config)`;
    this.rechoose = true;
    return `port ${this.current} was in use; a new port is chosen for the next start`;
  }
}

/** Up to `max` bytes of a file from `offset` (the newest ones when there are more); '' when unreadable. */
export function readLogTail(file: string, offset: number, max = LOG_TAIL_BYTES): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = fstatSync(fd).size;
    // The log may have been rotated (copy-truncate) since the spawn: then read from the start.
    const start = Math.max(offset > size ? 0 : offset, size - max);
    const len = Math.max(0, size - start);
    const buf = Buffer.alloc(len);
    const n = readSync(fd, buf, 0, len, start);
    return buf.subarray(0, n).toString('utf8');
  } catch {
    return '';
  } finally {
    closeSync(fd);
  }
}
