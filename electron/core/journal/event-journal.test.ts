import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../../test-support/helpers.js';
import { EventJournal } from './event-journal.js';
import type { EventDraft } from '../events.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir() {
  const t = tempDir('vigil-journal-');
  cleanups.push(t.cleanup);
  return t.dir;
}
const ev = (over: Partial<EventDraft> = {}): EventDraft => ({
  kind: 'system', backend: null, from: null, to: null, reason: 'note', pid: null, exit: null, oom: null, ...over,
});
const lines = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : []);

describe('EventJournal', () => {
  it('buffers ordinary events and flushes them within the flush period', async () => {
    const d = dir();
    const j = EventJournal.open(d, { flushMs: 50 });
    cleanups.push(() => j.close());
    const a = j.append(ev({ reason: 'one' }));
    expect(a).toMatchObject({ seq: 1, reason: 'one', time: expect.any(Number) });
    expect(lines(j.livePath)).toHaveLength(0); // not yet on disk
    await waitFor(() => lines(j.livePath).length === 1, 30_000, 'timed flush');
    expect(JSON.parse(lines(j.livePath)[0]!)).toEqual(a);
  });

  it('writes exit and oom events (and transitions to exited/failed) at once', () => {
    const d = dir();
    const j = EventJournal.open(d, { flushMs: 60_000 });
    cleanups.push(() => j.close());
    j.append(ev({ reason: 'buffered' }));
    j.append(ev({ kind: 'exit', backend: 'llama', pid: 42, reason: 'exited with code 1' }));
    expect(lines(j.livePath).map((l) => JSON.parse(l).reason)).toEqual(['buffered', 'exited with code 1']);
    j.append(ev({ kind: 'transition', backend: 'llama', from: 'ready', to: 'unhealthy', reason: 'probe failed' }));
    expect(lines(j.livePath)).toHaveLength(2);
    j.append(ev({ kind: 'transition', backend: 'llama', from: 'unhealthy', to: 'failed', reason: 'limit' }));
    expect(lines(j.livePath)).toHaveLength(4);
    j.append(ev({ kind: 'oom', backend: 'llama', reason: 'oom-killed' }));
    expect(lines(j.livePath)).toHaveLength(5);
  });

  it('continues seq across reopen, rotates by size, queries across files newest last', () => {
    const d = dir();
    let j = EventJournal.open(d, { maxBytes: 2000, keep: 3, flushMs: 60_000 });
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 20; i++) {
      j.append(ev({ backend: i % 2 ? 'a' : 'b', reason: `e${i}`, time: t0 + i }));
      j.flush();
    }
    j.close();
    const files = readdirSync(d).sort();
    expect(files).toContain('events.1.jsonl');
    for (const f of files) expect(readFileSync(path.join(d, f)).length).toBeLessThanOrEqual(2000);

    j = EventJournal.open(d, { maxBytes: 2000, keep: 3 });
    cleanups.push(() => j.close());
    expect(j.lastSeq).toBe(20);
    expect(j.append(ev({ reason: 'after reopen', time: t0 + 100 })).seq).toBe(21);
    const all = j.query();
    expect(all.map((e) => e.seq)).toEqual([...all.map((e) => e.seq)].sort((x, y) => x - y));
    expect(all[all.length - 1]!.reason).toBe('after reopen');
    expect(j.query({ backend: 'a', limit: 2 }).map((e) => e.reason)).toEqual(['e17', 'e19']);
    expect(j.query({ since: t0 + 15, until: t0 + 17 }).map((e) => e.reason)).toEqual(['e15', 'e16', 'e17']);
    expect(j.recent(2).map((e) => e.seq)).toEqual([20, 21]);
  });

  it('drops the oldest rotated file beyond `keep`', () => {
    const d = dir();
    const j = EventJournal.open(d, { maxBytes: 500, keep: 2, flushMs: 60_000 });
    cleanups.push(() => j.close());
    for (let i = 0; i < 60; i++) {
      j.append(ev({ reason: `e${i}` }));
      j.flush();
    }
    expect(readdirSync(d).sort()).toEqual(['events.1.jsonl', 'events.2.jsonl', 'events.jsonl']);
    const q = j.query();
    expect(q[q.length - 1]!.seq).toBe(60);
    expect(q[0]!.seq).toBeGreaterThan(1); // the oldest were rotated away
  });

  it('skips a line cut off by a crash, warns once with file:line, and keeps appending cleanly', () => {
    const d = dir();
    let j = EventJournal.open(d);
    j.append(ev({ reason: 'good 1' }));
    j.append(ev({ kind: 'exit', reason: 'good 2' }));
    j.close();
    // Simulate a crash mid-write: half a JSON object, no newline.
    appendFileSync(path.join(d, 'events.jsonl'), '{"seq":3,"time":17000,"kind":"sys');
    const warnings: string[] = [];
    j = EventJournal.open(d, { logger: { warn: (m) => void warnings.push(m), error: (m) => void warnings.push(m) } });
    cleanups.push(() => j.close());
    expect(j.lastSeq).toBe(2);
    const next = j.append(ev({ kind: 'exit', reason: 'after crash' }));
    expect(next.seq).toBe(3);
    expect(j.query().map((e) => e.reason)).toEqual(['good 1', 'good 2', 'after crash']);
    j.query();
    expect(warnings.filter((w) => /events\.jsonl:3: skipping a corrupt line/.test(w))).toHaveLength(1);
    expect(warnings.some((w) => /cut off/.test(w))).toBe(true);
  });

  it('close() flushes buffered events', () => {
    const d = dir();
    const j = EventJournal.open(d, { flushMs: 60_000 });
    j.append(ev({ reason: 'pending' }));
    j.close();
    expect(lines(path.join(d, 'events.jsonl'))).toHaveLength(1);
    expect(() => j.append(ev())).toThrow(/closed/);
  });
});

describe('EventJournal queries with a limit', () => {
  it('read from the end give the same events as a full read, across rotated files, chunk edges and multibyte text', () => {
    const d = dir();
    const warnings: string[] = [];
    const j = EventJournal.open(d, { maxBytes: 300 * 1024, keep: 3, flushMs: 60_000, onWarning: (m) => warnings.push(m) });
    cleanups.push(() => j.close());
    const t0 = 1_700_000_000_000;
    for (let i = 0; i < 4000; i++) {
      j.append(ev({ backend: ['a', 'b', 'c'][i % 3]!, reason: `e${i} ${'é→🦙'.repeat(i % 37)}`, time: t0 + i }));
      if (i % 50 === 0) j.flush();
    }
    j.flush();
    appendFileSync(path.join(d, 'events.1.jsonl'), '{"seq": torn\n');
    for (let i = 0; i < 5; i++) j.append(ev({ backend: 'a', reason: `unwritten ${i}` })); // still in memory
    expect(readdirSync(d).length).toBe(4);
    for (const q of [{ limit: 1 }, { limit: 200 }, { limit: 2500 }, { limit: 10_000 }, { backend: 'a', limit: 300 }, { backend: 'c', limit: 1 }, { since: t0 + 3000, limit: 50 }, { until: t0 + 1000, limit: 7 }]) {
      const { limit, ...filter } = q;
      expect(j.query(q), JSON.stringify(q)).toEqual(j.query(filter).slice(-limit));
    }
    expect(j.query({ limit: 3 }).map((e) => e.reason)).toEqual(['unwritten 2', 'unwritten 3', 'unwritten 4']);
    expect(warnings.filter((w) => /events\.1\.jsonl:.*skipping a corrupt line/.test(w)).length).toBeGreaterThanOrEqual(1);
  });
});

describe('EventJournal as the supervisor sink', () => {
  it('accepts a draft without the nullable fields and fills them with null', () => {
    const t = tempDir('vigil-journal-');
    cleanups.push(t.cleanup);
    const j = EventJournal.open(t.dir);
    cleanups.push(() => j.close());
    const stored = j.append({ kind: 'command', reason: 'start requested' });
    expect(stored).toEqual({ seq: 1, time: expect.any(Number), kind: 'command', reason: 'start requested', backend: null, from: null, to: null, pid: null, exit: null, oom: null });
  });
});
