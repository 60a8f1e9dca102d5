import { appendFileSync, copyFileSync, mkdtempSync, openSync, closeSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { all, isRoot, itPrivileged, kmsgReadable } from '../../../test-support/privileged.js';
import type { KmsgRecord } from './kmsg-record.js';
import { KMSG_STATE_FILE, KmsgReader, readBootId, type KmsgGap } from './kmsg-reader.js';

const fixture = new URL('./fixtures/shapes/kmsg.txt', import.meta.url).pathname;
const tmp = (): string => mkdtempSync(join(tmpdir(), 'vigil-kmsg-'));
const until = async (cond: () => boolean, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

function reader(path: string, stateDir: string | null, bootId = 'boot-a', gaps: KmsgGap[] = []): { r: KmsgReader; recs: KmsgRecord[] } {
  const recs: KmsgRecord[] = [];
  const r = new KmsgReader({ path, stateDir, bootId, pollMs: 20, onRecord: (rec) => recs.push(rec), onGap: (g) => gaps.push(g) });
  return { r, recs };
}

describe('KmsgReader on a kmsg-format file', () => {
  it('reads the backlog before start() resolves, with continuation lines', async () => {
    const { r, recs } = reader(fixture, null);
    await r.start();
    r.stop();
    expect(recs.map((x) => x.seq)).toEqual([100, 101, 102, 103, 104, 105, 106]);
    expect(recs[0]!.meta).toEqual({ SUBSYSTEM: 'block', DEVICE: 'b254:0' });
    expect(recs[4]!.text).toMatch(/^Memory cgroup out of memory: Killed process 4321 \(python3\)/);
  });

  it('persists {bootId, lastSeq}: a restart does not deliver old records again, new ones arrive while running', async () => {
    const dir = tmp();
    const file = join(dir, 'kmsg');
    copyFileSync(fixture, file);
    const first = reader(file, dir);
    await first.r.start();
    first.r.stop();
    expect(JSON.parse(readFileSync(join(dir, KMSG_STATE_FILE), 'utf8'))).toEqual({ bootId: 'boot-a', lastSeq: 106 });

    const second = reader(file, dir);
    await second.r.start();
    expect(second.recs).toEqual([]);
    appendFileSync(file, '3,107,514700000,-;Out of memory: Killed process 9 (x) total-vm:1kB\n');
    await until(() => second.recs.length === 1);
    second.r.stop();
    expect(second.recs[0]!.seq).toBe(107);

    // Another boot: the same seq numbers are new records.
    const third = reader(file, dir, 'boot-b');
    await third.r.start();
    third.r.stop();
    expect(third.recs.map((x) => x.seq)).toEqual([100, 101, 102, 103, 104, 105, 106, 107]);
  });

  it('reports a seq jump as a gap and skips junk lines', async () => {
    const dir = tmp();
    const file = join(dir, 'kmsg');
    appendFileSync(file, '6,1,10,-;a\nnot a record\n6,5,20,-;b\n');
    const gaps: KmsgGap[] = [];
    const { r, recs } = reader(file, null, 'x', gaps);
    await r.start();
    r.stop();
    expect(recs.map((x) => x.text)).toEqual(['a', 'b']);
    expect(gaps).toEqual([{ expected: 2, got: 5, reason: 'seq-jump' }]);
  });

  it('a missing source is a clear error naming it', async () => {
    const { r } = reader('/nonexistent/kmsg', null);
    await expect(r.start()).rejects.toThrow('cannot open /nonexistent/kmsg: ENOENT');
  });
});

describe('KmsgReader on the real /dev/kmsg', () => {
  itPrivileged('reads the backlog, sees a new record within a poll, and never repeats across restarts', all(isRoot, kmsgReadable), async () => {
    const dir = tmp();
    const tag = `vigil-kmsg-test-${process.pid}-${Date.now()}`;
    const writeKmsg = (text: string): void => {
      const fd = openSync('/dev/kmsg', 'w');
      writeSync(fd, `${text}\n`); // without a newline the kernel holds the line back
      closeSync(fd);
    };
    writeKmsg(`${tag} before`);
    const recs: KmsgRecord[] = [];
    const r = new KmsgReader({ stateDir: dir, pollMs: 50, onRecord: (rec) => recs.push(rec) });
    expect(r.bootId).toBe(readBootId());
    await r.start();
    const before = recs.filter((x) => x.text === `${tag} before`);
    expect(before).toHaveLength(1);
    expect(before[0]!.facility).toBe(1); // written from user space
    writeKmsg(`${tag} after`);
    await until(() => recs.some((x) => x.text === `${tag} after`));
    r.stop();

    const again: KmsgRecord[] = [];
    const r2 = new KmsgReader({ stateDir: dir, pollMs: 50, onRecord: (rec) => again.push(rec) });
    await r2.start();
    r2.stop();
    expect(again.filter((x) => x.text.startsWith(tag))).toEqual([]);
  });
});
