// Readiness is event-driven: a pipe written after the watch starts wakes it
// once; a cancelled watch never fires; a regular file is refused.
import { closeSync, openSync, readSync, writeSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pipe2, O_CLOEXEC, O_NONBLOCK } from './libc.js';
import { createEventfd, whenReadable } from './readiness.js';

function pipe(): [number, number] {
  const b = Buffer.alloc(8);
  expect(pipe2(b, O_CLOEXEC | O_NONBLOCK)).toBe(0);
  return [b.readInt32LE(0), b.readInt32LE(4)];
}

describe('whenReadable', () => {
  it('fires once when data arrives, not before, and not again until asked', async () => {
    const [r, w] = pipe();
    let fired = 0;
    whenReadable(r, () => fired++);
    await new Promise((res) => setTimeout(res, 30));
    expect(fired).toBe(0);
    writeSync(w, 'x');
    for (let i = 0; i < 100 && fired === 0; i++) await new Promise((res) => setTimeout(res, 5));
    expect(fired).toBe(1);
    writeSync(w, 'y');
    await new Promise((res) => setTimeout(res, 30));
    expect(fired).toBe(1);
    closeSync(r);
    closeSync(w);
  });

  it('a cancelled watch never fires', async () => {
    const [r, w] = pipe();
    let fired = false;
    const cancel = whenReadable(r, () => (fired = true));
    cancel();
    writeSync(w, 'x');
    await new Promise((res) => setTimeout(res, 30));
    expect(fired).toBe(false);
    closeSync(r);
    closeSync(w);
  });

  it('an eventfd wakes it with the counter it was written', async () => {
    const efd = createEventfd();
    const got = new Promise<bigint>((res) =>
      whenReadable(efd, () => {
        const b = Buffer.alloc(8);
        readSync(efd, b, 0, 8, null);
        res(b.readBigUInt64LE(0));
      }),
    );
    const one = Buffer.alloc(8);
    one.writeBigUInt64LE(3n);
    writeSync(efd, one);
    expect(await got).toBe(3n);
    closeSync(efd);
  });

  it('refuses a regular file', () => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), 'vigil-ready-')), 'f');
    writeFileSync(f, 'x');
    const fd = openSync(f, 'r');
    expect(() => whenReadable(fd, () => {})).toThrow(/regular file/);
    closeSync(fd);
  });
});
