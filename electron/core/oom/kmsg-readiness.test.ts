// The reader wakes on the device's readiness: with the backstop timer set
// far beyond the test, a record written to /dev/kmsg still arrives.
import { writeFileSync } from 'node:fs';
import { describe, expect } from 'vitest';
import { all, isRoot, itPrivileged, kmsgReadable } from '../../../test-support/privileged.js';
import { KmsgReader } from './kmsg-reader.js';

describe('KmsgReader on /dev/kmsg', () => {
  itPrivileged('reads a new record when the device becomes readable, not when a timer fires', all(isRoot, kmsgReadable), async () => {
    const marker = `vigil-readiness-${process.pid}-${Date.now()}`;
    let resolve!: (at: number) => void;
    const seen = new Promise<number>((r) => (resolve = r));
    const reader = new KmsgReader({
      stateDir: null,
      backstopMs: 600_000,
      onRecord: (rec) => {
        if (rec.text.includes(marker)) resolve(performance.now());
      },
    });
    await reader.start();
    try {
      const wrote = performance.now();
      writeFileSync('/dev/kmsg', `<6>${marker}\n`);
      const at = await Promise.race([seen, new Promise<number>((_, rej) => setTimeout(() => rej(new Error('record not read: readiness did not fire')), 10_000))]);
      expect(at).toBeGreaterThanOrEqual(wrote);
    } finally {
      reader.stop();
    }
  });
});
