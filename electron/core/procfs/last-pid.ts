// The last pid the kernel handed out, from /proc/loadavg's 5th field
// ("0.00 0.01 0.05 1/234 5678"), parsed from the read buffer: when it has not
// moved, no process was created, and /proc need not be listed again.
import { closeSync } from 'node:fs';
import { openSmall, preadParse } from './read.js';

export function lastPidOf(b: Uint8Array, n: number): number {
  let end = n;
  while (end > 0 && (b[end - 1] === 10 || b[end - 1] === 32)) end--;
  let start = end;
  while (start > 0 && b[start - 1]! >= 48 && b[start - 1]! <= 57) start--;
  if (start === end) return -1;
  let v = 0;
  for (let i = start; i < end; i++) v = v * 10 + b[i]! - 48;
  return v;
}

/** Reads the last pid handed out through one kept-open /proc/loadavg fd. */
export class LastPidReader {
  private fd: number | null | undefined;

  constructor(
    private readonly procRoot: string,
    private readonly onError?: (e: unknown) => void,
  ) {}

  /** The last pid, or null when /proc/loadavg cannot be read. */
  read(): number | null {
    const file = `${this.procRoot}/loadavg`;
    try {
      if (this.fd === undefined) this.fd = openSmall(file);
      return this.fd === null ? null : preadParse(this.fd, file, lastPidOf);
    } catch (e) {
      this.onError?.(e);
      return null;
    }
  }

  close(): void {
    if (typeof this.fd === 'number') closeSync(this.fd);
    this.fd = undefined;
  }
}
