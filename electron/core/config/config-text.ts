// Reads the config file's bytes and decides whether they are text a YAML
// parser should see. The path may be anything by the time it is read: a
// directory, a FIFO (reading one would block until a writer comes), a huge or
// binary file, bytes that are not UTF-8. Each gets one issue naming the file
// and, where it means something, the line and column of the first bad byte.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ConfigIssue } from '../../common/state.js';

/** A config is a few KiB; anything far larger is not one (and is not read into memory). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

const WHY: Record<string, string> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  ELOOP: 'too many symbolic links',
  ENOTDIR: 'a part of the path is not a directory',
};

function kindOf(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (st.isDirectory()) return 'it is a directory';
  if (st.isFIFO()) return 'it is a FIFO';
  if (st.isSocket()) return 'it is a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'it is a device';
  return 'it is something else';
}

const issue = (file: string, message: string, line: number | null = null, column: number | null = null): ConfigIssue => ({ file, line, column, field: null, message });

/** Line and column (1-based) of byte `offset` in `buf`, counting columns in characters of the valid text before it. */
function position(buf: Buffer, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (buf[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: buf.toString('utf8', start, offset).length + 1 };
}

/** Byte offset of the first invalid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(buf: Buffer): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Lead byte → sequence length and the allowed range of the second byte (no overlongs, no surrogates, ≤ U+10FFFF).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 3;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 4;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + n > buf.length) return i;
    const second = buf[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k < n; k++) if ((buf[i + k]! & 0xc0) !== 0x80) return i;
    i += n;
  }
  return -1;
}

/** The file's text, or the one issue that says why it is not a config. */
export async function readConfigText(file: string): Promise<{ text: string } | { issue: ConfigIssue }> {
  let fh;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below by its type.
    fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return { issue: issue(file, `cannot read config: ${WHY[code] ?? (e as Error).message}`) };
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { issue: issue(file, `cannot read config: ${kindOf(st)}, not a file`) };
    if (st.size > MAX_CONFIG_BYTES) return { issue: issue(file, `not a config: ${st.size} bytes (a config is text of at most ${MAX_CONFIG_BYTES / 1024 / 1024} MiB)`) };
    const buf = await fh.readFile();
    const nul = buf.indexOf(0);
    if (nul >= 0) {
      const p = position(buf, nul);
      return { issue: issue(file, `not a text file: a NUL byte at byte ${nul} (line ${p.line}, column ${p.column}); a config is YAML text`, p.line, p.column) };
    }
    const bad = firstInvalidUtf8(buf);
    if (bad >= 0) {
      const p = position(buf, bad);
      return { issue: issue(file, `not UTF-8 text: byte 0x${buf[bad]!.toString(16).padStart(2, '0')} at byte ${bad} (line ${p.line}, column ${p.column}) is not valid UTF-8; save the file as UTF-8`, p.line, p.column) };
    }
    // A UTF-8 byte order mark is not part of the YAML.
    const text = buf.toString('utf8');
    return { text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    return { issue: issue(file, `cannot read config: ${WHY[code] ?? (e as Error).message}`) };
  } finally {
    await fh.close();
  }
}
