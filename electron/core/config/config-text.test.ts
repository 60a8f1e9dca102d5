// What the config path may hold instead of a YAML text file: each case gives
// one issue naming the file (and the line and column of the first bad byte).
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/helpers.js';
import { firstInvalidUtf8, MAX_CONFIG_BYTES } from './config-text.js';
import { loadConfig } from './load-config.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function file(): string {
  const t = tempDir('vigil-config-text-');
  cleanups.push(t.cleanup);
  return path.join(t.dir, 'config.yaml');
}

async function issueFor(f: string) {
  const r = await loadConfig(f, { create: true });
  expect(r.ok).toBe(false);
  if (r.ok) throw new Error('loaded');
  expect(r.issues).toHaveLength(1);
  return r.issues[0]!;
}

describe('the config path holding something that is not a config', () => {
  it('a directory', async () => {
    const f = file();
    mkdirSync(f);
    expect(await issueFor(f)).toEqual({ file: f, line: null, column: null, field: null, message: 'cannot read config: it is a directory, not a file' });
  });

  it('a FIFO is refused at once, not waited on', async () => {
    const f = file();
    execFileSync('mkfifo', [f]);
    // Opening a FIFO that no one writes blocks for ever: an answer at all (before the test's timeout) is the proof.
    expect((await issueFor(f)).message).toBe('cannot read config: it is a FIFO, not a file');
  });

  it('a NUL-filled file', async () => {
    const f = file();
    writeFileSync(f, Buffer.alloc(4096));
    expect(await issueFor(f)).toMatchObject({ file: f, line: 1, column: 1, message: 'not a text file: a NUL byte at byte 0 (line 1, column 1); a config is YAML text' });
  });

  it('random bytes', async () => {
    const f = file();
    // Random bytes with the NULs taken out, so the UTF-8 check is what catches them.
    const junk = Buffer.from(Array.from({ length: 8192 }, () => 1 + Math.floor(Math.random() * 255)));
    writeFileSync(f, junk);
    const i = await issueFor(f);
    expect(i.file).toBe(f);
    expect(i.message).toMatch(/^not UTF-8 text: byte 0x[0-9a-f]{2} at byte \d+ \(line \d+, column \d+\) is not valid UTF-8; save the file as UTF-8$/);
    expect(i.line).toBeGreaterThanOrEqual(1);
  });

  it('a YAML file with one Latin-1 byte: the line and column of that byte', async () => {
    const f = file();
    writeFileSync(f, Buffer.concat([Buffer.from('backends:\n  llama:\n    name: "caf'), Buffer.from([0xe9]), Buffer.from('"\n    cmd: llama-server\n')]));
    expect(await issueFor(f)).toMatchObject({ line: 3, column: 15, message: 'not UTF-8 text: byte 0xe9 at byte 33 (line 3, column 15) is not valid UTF-8; save the file as UTF-8' });
  });

  it('NULs after valid multibyte text: columns count characters', async () => {
    const f = file();
    writeFileSync(f, Buffer.concat([Buffer.from('# é→\nbackends: {} # ü'), Buffer.alloc(3)]));
    expect(await issueFor(f)).toMatchObject({ line: 2, column: 17 });
  });

  it('a file far too large to be a config is not read', async () => {
    const f = file();
    writeFileSync(f, '');
    truncateSync(f, MAX_CONFIG_BYTES + 1);
    expect((await issueFor(f)).message).toBe(`not a config: ${MAX_CONFIG_BYTES + 1} bytes (a config is text of at most 4 MiB)`);
  });

  it('a dangling symlink', async () => {
    const f = file();
    symlinkSync(path.join(path.dirname(f), 'gone.yaml'), f);
    expect((await issueFor(f)).message).toBe('cannot read config: file not found');
  });

  it('still loads UTF-8 text with a byte order mark, multibyte names and a literal U+FFFD', async () => {
    const f = file();
    writeFileSync(f, '\ufeffbackends:\n  llama:\n    name: "Café 🦙 \ufffd"\n    cmd: llama-server --port ${PORT}\n');
    const r = await loadConfig(f);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.backends.llama!.name).toBe('Café 🦙 \ufffd');
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    ['ascii', [0x61, 0x62], -1],
    ['2-byte', [0xc3, 0xa9], -1],
    ['4-byte emoji', [0xf0, 0x9f, 0xa6, 0x99], -1],
    ['lone continuation', [0x61, 0x80], 1],
    ['overlong 2-byte', [0xc0, 0xaf], 0],
    ['overlong 3-byte', [0xe0, 0x80, 0xaf], 0],
    ['surrogate', [0xed, 0xa0, 0x80], 0],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['truncated at end', [0x61, 0xe2, 0x82], 1],
    ['bad third byte', [0xe2, 0x82, 0x41], 0],
  ])('%s', (_name, bytes, at) => expect(firstInvalidUtf8(Buffer.from(bytes))).toBe(at));

  it('agrees with the platform decoder on random input', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    for (let n = 0; n < 2000; n++) {
      const b = Buffer.from(Array.from({ length: 1 + Math.floor(Math.random() * 12) }, () => Math.floor(Math.random() * 256)));
      let valid = true;
      try {
        strict.decode(b);
      } catch {
        valid = false;
      }
      expect(firstInvalidUtf8(b) === -1, b.toString('hex')).toBe(valid);
    }
  });
});
