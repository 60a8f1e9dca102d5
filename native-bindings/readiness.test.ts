// Readiness is event-driven: a pipe written after the watch starts wakes it
// once; a cancelled watch never fires; a regular file is refused.
import { closeSync, openSync, readSync, writeSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../test-support/helpers.js';
import { pipe2, O_CLOEXEC, O_NONBLOCK } from './libc.js';
import { createEventfd, whenReadable, whileReadable } from './readiness.js';

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
    await waitFor(() => fired > 0, 30_000, 'the watch to fire');
    expect(fired).toBe(1);
    writeSync(w, 'y');
    // A new watch on the same readable fd fires: the first one, not asked again, had the same chance.
    let again = 0;
    whenReadable(r, () => again++);
    await waitFor(() => again > 0, 30_000, 'the second watch to fire');
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
    // A watch made after it fires: the cancelled one had the same chance.
    let other = false;
    whenReadable(r, () => (other = true));
    await waitFor(() => other, 30_000, 'a live watch to fire');
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

describe('whileReadable', () => {
  it('fires on every wake while the reader drains, and never after stop', async () => {
    const [r, w] = pipe();
    const buf = Buffer.alloc(64);
    let wakes = 0;
    const stop = whileReadable(r, () => {
      wakes++;
      readSync(r, buf, 0, buf.length, null);
    });
    writeSync(w, 'x');
    await waitFor(() => wakes === 1, 30_000, 'the first wake');
    writeSync(w, 'y');
    await waitFor(() => wakes === 2, 30_000, 'the second wake, with no re-arming');
    stop();
    writeSync(w, 'z');
    // A one-shot watch on the same fd proves the byte was seen by the loop; the stopped one stayed silent.
    let after = 0;
    whenReadable(r, () => after++);
    await waitFor(() => after > 0, 30_000, 'the other watch to fire');
    expect(wakes).toBe(2);
    closeSync(r);
    closeSync(w);
  });
});
