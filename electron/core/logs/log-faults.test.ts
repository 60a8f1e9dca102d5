// A backend log on a state directory that fills up or turns read-only (a
// small real tmpfs): nothing throws, each cause is said once, and the notes
// and rotation work again once the file system takes writes.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { itPrivileged } from '../../../test-support/privileged.js';
import { mountCapability, smallMount, type SmallMount } from '../../../test-support/small-mount.js';
import { BackendLog } from './backend-log.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function mount(kib: number): SmallMount {
  const m = smallMount(kib, 'vigil-log-fault-');
  cleanups.push(() => m.dispose());
  return m;
}

function open(file: string, opts = {}): { log: BackendLog; warnings: string[] } {
  const warnings: string[] = [];
  const log = new BackendLog(file, { pollMs: 50, onWarning: (m) => warnings.push(m), ...opts });
  log.start();
  cleanups.push(() => log.stop());
  return { log, warnings };
}

describe('BackendLog on a full state directory', () => {
  itPrivileged('drops the notes it cannot write, says so once, and writes them again when space frees', mountCapability, () => {
    const m = mount(128);
    const file = path.join(m.dir, 'logs', 'fake.log');
    const { log, warnings } = open(file);
    log.appendVigilLine('before');
    m.fill();
    for (let i = 0; i < 200; i++) expect(() => log.appendVigilLine(`note ${i} ${'x'.repeat(100)}`)).not.toThrow();
    expect(warnings.filter((w) => /notes cannot be written \(ENOSPC\)/.test(w))).toHaveLength(1);
    m.free();
    log.appendVigilLine('after');
    expect(warnings.at(-1)).toMatch(/notes are written again/);
    expect(log.tail(1)[0]!.text).toMatch(/ after$/);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean).every((l) => l.startsWith('[vigil] '))).toBe(true);
  });

  itPrivileged('a rotation that fails for lack of space is tried again later, not on every read', mountCapability, () => {
    const m = mount(256);
    const file = path.join(m.dir, 'logs', 'fake.log');
    const { log, warnings } = open(file, { maxBytes: 60 * 1024 });
    appendFileSync(file, `${'y'.repeat(99)}\n`.repeat(700)); // 70 KB: over the limit
    m.fill();
    for (let i = 0; i < 20; i++) log.read();
    expect(warnings.filter((w) => /cannot rotate \(ENOSPC\); trying again in 60 s/.test(w))).toHaveLength(1);
    expect(log.rotations).toBe(0);
    expect(log.tail(1)[0]!.text).toBe('y'.repeat(99));
  });
});

describe('BackendLog on a read-only state directory', () => {
  itPrivileged('starts without its file, tails nothing, and says once that notes cannot be written', mountCapability, () => {
    const m = mount(64);
    m.readOnly();
    const file = path.join(m.dir, 'logs', 'fake.log');
    let opened: ReturnType<typeof open> | null = null;
    expect(() => (opened = open(file))).not.toThrow();
    const { log, warnings } = opened!;
    expect(warnings).toEqual([expect.stringMatching(/fake\.log: cannot create it \(EROFS\)/)]);
    log.appendVigilLine('one');
    log.appendVigilLine('two');
    expect(warnings.filter((w) => /notes cannot be written \(EROFS\)/.test(w))).toHaveLength(1);
    expect(log.tail(10)).toEqual([]);
    expect(existsSync(file)).toBe(false);
  });
});
