// The kmsg position file on a state directory that fills up (a small real
// tmpfs): the reader keeps delivering records, says once that it cannot save
// its position, and saves it again when space frees.
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { itPrivileged } from '../../../test-support/privileged.js';
import { mountCapability, smallMount } from '../../../test-support/small-mount.js';
import type { KmsgRecord } from './kmsg-record.js';
import { KMSG_STATE_FILE, KmsgReader } from './kmsg-reader.js';

const fixture = new URL('./fixtures/shapes/kmsg.txt', import.meta.url).pathname;
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('KmsgReader with its state directory full', () => {
  itPrivileged('keeps reading, says once that the position cannot be saved, and saves it when space frees', mountCapability, async () => {
    const m = smallMount(64, 'vigil-kmsg-fault-');
    cleanups.push(() => m.dispose());
    const src = mkdtempSync(join(tmpdir(), 'vigil-kmsg-src-'));
    cleanups.push(() => rmSync(src, { recursive: true, force: true }));
    const file = join(src, 'kmsg');
    copyFileSync(fixture, file);
    const recs: KmsgRecord[] = [];
    const errors: string[] = [];
    const r = new KmsgReader({ path: file, stateDir: m.dir, bootId: 'boot-a', pollMs: 20, onRecord: (x) => recs.push(x), onError: (e) => errors.push(e.message) });
    cleanups.push(() => r.stop());
    await r.start();
    m.fill();
    for (let seq = 107; seq < 110; seq++) {
      appendFileSync(file, `6,${seq},514700000,-;line ${seq}\n`);
      await until(() => recs.at(-1)?.seq === seq, 30_000);
      await new Promise((res) => setTimeout(res, 1300)); // past the once-a-second save
    }
    await until(() => errors.length > 0, 30_000); // a starved timer saves late, not never
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^saving kmsg position in .*: ENOSPC: no space left on device.*\(said once;/);
    m.free();
    appendFileSync(file, '6,110,514700000,-;line 110\n');
    await until(() => {
      try {
        return JSON.parse(readFileSync(join(m.dir, KMSG_STATE_FILE), 'utf8')).lastSeq === 110;
      } catch {
        return false;
      }
    }, 30_000);
    expect(errors).toHaveLength(1);
  }, 180_000);
});
