// The journal on a real file system that fills up or turns read-only under it
// (a small tmpfs, remounted): nothing is thrown, events keep their seq and
// stay queryable, one event says writing stopped and one that it resumed, and
// afterwards the files hold every event once, in order, with no torn line.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import type { VigilEvent } from '../../common/state.js';
import { waitFor } from '../../../test-support/helpers.js';
import { itPrivileged } from '../../../test-support/privileged.js';
import { mountCapability, smallMount, type SmallMount } from '../../../test-support/small-mount.js';
import { EventJournal, type JournalOptions } from './event-journal.js';
import type { EventDraft } from '../events.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function mount(kib: number): SmallMount {
  const m = smallMount(kib, 'vigil-journal-fault-');
  cleanups.push(() => m.dispose());
  return m;
}

function openJournal(dir: string, opts: JournalOptions = {}): { j: EventJournal; raised: VigilEvent[]; warnings: string[] } {
  const raised: VigilEvent[] = [];
  const warnings: string[] = [];
  const j = EventJournal.open(dir, { retryMs: 100, onEvent: (e) => raised.push(e), onWarning: (m) => warnings.push(m), ...opts });
  cleanups.push(() => j.close());
  return { j, raised, warnings };
}

const ev = (reason: string, over: Partial<EventDraft> = {}): EventDraft => ({ kind: 'transition', backend: 'fake', reason, ...over });
const payload = 'x'.repeat(300);

/** Every event in the files, read by a fresh journal; also the warnings it gave. */
function reread(dir: string): { events: VigilEvent[]; warnings: string[] } {
  const warnings: string[] = [];
  const j = EventJournal.open(dir, { onWarning: (m) => warnings.push(m) });
  const events = j.query();
  j.close();
  return { events, warnings };
}

const flushMicrotasks = () => new Promise((r) => setTimeout(r, 0));

describe('EventJournal when the state directory fills up', () => {
  itPrivileged('keeps events in memory with one event saying why, and writes them all, once and in order, when space frees', mountCapability, async () => {
    const m = mount(256);
    const { j, raised } = openJournal(m.dir, { flushMs: 50, maxBytes: 64 * 1024, keep: 2 });
    for (let i = 0; i < 20; i++) j.append(ev(`before ${i}`, { details: { payload } }));
    j.flush(true);
    m.fill();

    // The live file's last page may still have room: write until the file system refuses.
    let n = 0;
    while (j.writeError === null && n < 200) {
      expect(() => j.append(ev(`full ${n++}`, { kind: 'exit', details: { payload } }))).not.toThrow();
    }
    expect(j.writeError).toBe('ENOSPC');
    // A big ordinary batch, flushed while full: it must not leave half a line behind.
    for (let i = 0; i < 40; i++) j.append(ev(`batch ${i}`, { details: { payload } }));
    expect(() => j.flush(true)).not.toThrow();
    for (let i = 0; i < 30; i++) j.append(ev(`more ${i}`, { kind: 'exit' }));
    await flushMicrotasks();
    // What a batch wrote before the file system refused was cut back off: the file ends on a whole line.
    const raw = readFileSync(j.livePath, 'utf8');
    expect(raw.endsWith('\n')).toBe(true);
    for (const line of raw.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();

    const down = raised.filter((e) => /cannot be written/.test(e.reason));
    expect(down).toHaveLength(1);
    expect(down[0]!.reason).toContain(path.join(m.dir, 'events.jsonl'));
    expect(down[0]!.reason).toContain('ENOSPC (no space left on the device)');
    expect(j.unwritten).toBeGreaterThan(70);

    // Queries see what is only in memory, in seq order with no gap.
    const seen = j.query();
    expect(seen.map((e) => e.seq)).toEqual(seen.map((_, i) => i + 1));
    expect(seen.at(-1)!.reason).toBe('more 29');

    m.free();
    await waitFor(() => j.writeError === null, 30_000, 'the journal to write again');
    await flushMicrotasks();
    const up = raised.filter((e) => /written again/.test(e.reason));
    expect(up).toHaveLength(1);
    expect(up[0]!.reason).toMatch(/written again after \d+ s \(ENOSPC\): \d+ event\(s\) kept in memory/);
    j.flush(true);
    expect(j.unwritten).toBe(0);

    const { events, warnings } = reread(m.dir);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.length).toBe(j.lastSeq);
    expect(warnings).toEqual([]);
    expect(events.filter((e) => /cannot be written|written again/.test(e.reason))).toHaveLength(2);
  });

  itPrivileged('drops the oldest unwritten events beyond its memory cap and says how many', mountCapability, async () => {
    const m = mount(128);
    const { j, raised } = openJournal(m.dir, { maxUnwritten: 50 });
    m.fill();
    for (let i = 0; i < 500 && j.unwritten < 120; i++) j.append(ev(`e${i}`, { kind: 'exit', details: { payload } }));
    expect(j.writeError).toBe('ENOSPC');
    expect(j.unwritten).toBe(50);
    m.free();
    await waitFor(() => j.writeError === null, 30_000, 'the journal to write again');
    await flushMicrotasks();
    expect(raised.at(-1)!.reason).toMatch(/; \d+ older one\(s\) were dropped \(more than 50 waited\)/);
  });
});

describe('EventJournal when the state directory turns read-only', () => {
  itPrivileged('keeps writing through its open file, says once that it cannot rotate, and rotates after the remount', mountCapability, async () => {
    const m = mount(512);
    const { j, raised } = openJournal(m.dir, { maxBytes: 4096, keep: 2 });
    j.append(ev('before', { kind: 'exit' }));
    m.readOnly();
    for (let i = 0; i < 60; i++) expect(() => j.append(ev(`ro ${i}`, { kind: i % 2 ? 'exit' : 'transition', details: { payload } }))).not.toThrow();
    await flushMicrotasks();
    expect(j.writeError).toBeNull();
    expect(raised.map((e) => e.reason)).toEqual([expect.stringMatching(/^event journal cannot rotate .*events\.jsonl: EROFS \(the file system is read-only\); it grows past its size limit/)]);
    expect(readdirSync(m.dir)).toEqual(['events.jsonl']);
    // Nothing waits in memory: every event is in the (oversized) live file.
    expect(j.unwritten).toBe(0);

    m.readWrite();
    j.append(ev('after', { kind: 'exit' }));
    expect(readdirSync(m.dir).sort()).toEqual(['events.1.jsonl', 'events.jsonl']);
    const { events, warnings } = reread(m.dir);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)!.reason).toBe('after');
    expect(warnings).toEqual([]);
  });

  itPrivileged('opens on a directory that is already read-only: reads the history, continues seq, says why it cannot write', mountCapability, async () => {
    const m = mount(256);
    const first = EventJournal.open(m.dir);
    first.append(ev('one', { kind: 'exit' }));
    first.append(ev('two', { kind: 'exit' }));
    first.close();
    m.readOnly();
    const { j, raised } = openJournal(m.dir);
    expect(j.writeError).toBe('EROFS');
    expect(j.lastSeq).toBe(3); // 3 is the journal's own event
    expect(j.append(ev('three', { kind: 'exit' })).seq).toBe(4);
    await flushMicrotasks();
    expect(raised.map((e) => e.reason)).toEqual([expect.stringContaining('events.jsonl: EROFS (the file system is read-only); events are kept in memory')]);
    expect(j.query().map((e) => e.reason)).toEqual(['one', 'two', raised[0]!.reason, 'three']);
    expect(readFileSync(path.join(m.dir, 'events.jsonl'), 'utf8').split('\n').filter(Boolean)).toHaveLength(2);

    m.readWrite();
    await waitFor(() => j.writeError === null && j.unwritten === 0, 30_000, 'the journal to write everything');
    const { events } = reread(m.dir);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });
});
