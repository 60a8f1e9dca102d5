// The current process's part of a backend's log: what it printed since
// Vigil's last "starting: …" note (spawn-backend.ts writes one before every
// spawn), from the file's last few MiB. llama-server's own memory figures
// (-lv 4) are read from it; an earlier run's figures must not be.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { VIGIL_MARK } from '../../logs/backend-log.js';

const MAX_BYTES = 8 * 1024 * 1024;
const START = / starting: /;

/** The text after the last start note, or '' when the file cannot be read or has none. */
export function currentRunLog(file: string, maxBytes = MAX_BYTES): string {
  let text: string;
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const from = Math.max(0, size - maxBytes);
      const buf = Buffer.alloc(size - from);
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, from + got);
        if (n <= 0) break;
        got += n;
      }
      text = buf.toString('utf8', 0, got);
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    if (l.startsWith(VIGIL_MARK) && START.test(l)) return lines.slice(i + 1).join('\n');
  }
  return '';
}
