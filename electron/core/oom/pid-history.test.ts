import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/helpers.js';
import type { Logger } from '../diagnostics.js';
import { CLOCK_SLACK_MS, PID_HISTORY_FILE, PidHistory, SPANS_PER_BACKEND } from './pid-history.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir(): string {
  const t = tempDir('vigil-pidh-');
  cleanups.push(t.cleanup);
  return t.dir;
}
function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (m) => void lines.push(m), error: (m) => void lines.push(m) };
}
const trees = (o: Record<string, number[]>): Map<string, number[]> => new Map(Object.entries(o));

describe('PidHistory', () => {
  it('a leader is its backend\'s from its start to the state change that shows it gone', () => {
    const h = PidHistory.open(dir(), recorder(), 0);
    h.observeLeaders([{ id: 'llama', pid: 100, startedAt: 1_000 }], 1_050);
    expect(h.ownerOf(100, 1_500)).toBe('llama');
    expect(h.ownerOf(100, null)).toBe('llama');
    h.observeLeaders([{ id: 'llama', pid: null, startedAt: null }], 60_000);
    expect(h.ownerOf(100, 59_000)).toBe('llama');
    expect(h.ownerOf(100, null)).toBeNull();
    expect(h.ownerOf(100, 60_000 + CLOCK_SLACK_MS + 1)).toBeNull();
    expect(h.ownerOf(100, 1_000 - CLOCK_SLACK_MS - 1)).toBeNull();
    expect(h.ownerOf(101, 2_000)).toBeNull();
  });

  it('a tree pid is owned from the sample that first saw it until it is out of both the tree and the leader', () => {
    const h = PidHistory.open(dir(), recorder(), 0);
    h.observeLeaders([{ id: 'vllm', pid: 10, startedAt: 100_000 }], 100_000);
    h.observeTrees(trees({ vllm: [10, 11, 12] }), 101_000);
    h.observeTrees(trees({ vllm: [10, 12] }), 102_000);
    expect(h.ownerOf(11, 101_500)).toBe('vllm');
    expect(h.ownerOf(11, 102_000 + CLOCK_SLACK_MS + 1)).toBeNull();
    // The leader left the sampled tree (no sample of it) but is still the leader: still owned.
    h.observeTrees(trees({}), 103_000);
    expect(h.ownerOf(10, null)).toBe('vllm');
    expect(h.ownerOf(12, null)).toBeNull();
  });

  it('a recycled pid belongs to whichever backend had it at the time of the kill', () => {
    const h = PidHistory.open(dir(), recorder(), 0);
    h.observeLeaders([{ id: 'a', pid: 500, startedAt: 0 }, { id: 'b', pid: null, startedAt: null }], 0);
    h.observeLeaders([{ id: 'a', pid: null, startedAt: null }, { id: 'b', pid: null, startedAt: null }], 100_000);
    h.observeLeaders([{ id: 'a', pid: null, startedAt: null }, { id: 'b', pid: 500, startedAt: 500_000 }], 500_000);
    expect(h.ownerOf(500, 50_000)).toBe('a');
    expect(h.ownerOf(500, 600_000)).toBe('b');
    expect(h.ownerOf(500, 300_000)).toBeNull();
  });

  it('survives a restart of Vigil: an old kill is attributed from the saved history, an unknown pid is not', () => {
    const d = dir();
    const first = PidHistory.open(d, recorder(), 0);
    first.observeLeaders([{ id: 'llama', pid: 4321, startedAt: 10_000 }], 10_000);
    first.observeLeaders([{ id: 'llama', pid: null, startedAt: null }], 20_000);
    first.observeLeaders([{ id: 'llama', pid: 4400, startedAt: 30_000 }], 30_000);
    first.close(); // 4400 still running: its span is open in the file
    expect(JSON.parse(readFileSync(path.join(d, PID_HISTORY_FILE), 'utf8')).backends.llama).toEqual([[4321, 10_000, 20_000], [4400, 30_000, null]]);

    const second = PidHistory.open(d, recorder(), 100_000);
    expect(second.ownerOf(4321, 15_000)).toBe('llama');
    expect(second.ownerOf(9999, 15_000)).toBeNull();
    // The span left open ends at the load (the process may have died any time before)...
    expect(second.ownerOf(4400, 100_000 + CLOCK_SLACK_MS + 1)).toBeNull();
    // ...unless the same process is adopted: then it goes on.
    second.observeLeaders([{ id: 'llama', pid: 4400, startedAt: 30_000 }], 100_000);
    expect(second.ownerOf(4400, 500_000)).toBe('llama');
    expect(second.ownerOf(4400, 50_000)).toBe('llama');
  });

  it('a pid left open by a previous Vigil and given to a new process later is a new span', () => {
    const d = dir();
    const first = PidHistory.open(d, recorder(), 0);
    first.observeLeaders([{ id: 'llama', pid: 700, startedAt: 1_000 }], 1_000);
    first.close();
    const second = PidHistory.open(d, recorder(), 50_000);
    second.observeLeaders([{ id: 'llama', pid: 700, startedAt: 200_000 }], 200_000);
    expect(second.ownerOf(700, 120_000)).toBeNull();
    expect(second.ownerOf(700, 250_000)).toBe('llama');
  });

  it('keeps a bounded number of spans per backend, dropping the oldest ended ones', () => {
    const d = dir();
    const h = PidHistory.open(d, recorder(), 0);
    for (let i = 0; i < SPANS_PER_BACKEND + 10; i++) {
      h.observeLeaders([{ id: 'loop', pid: 1000 + i, startedAt: i * 100_000 }], i * 100_000);
      h.observeLeaders([{ id: 'loop', pid: null, startedAt: null }], i * 100_000 + 50_000);
    }
    h.close();
    const saved = JSON.parse(readFileSync(path.join(d, PID_HISTORY_FILE), 'utf8')).backends.loop as unknown[];
    expect(saved).toHaveLength(SPANS_PER_BACKEND);
    expect(h.ownerOf(1000, 10_000)).toBeNull();
    expect(h.ownerOf(1000 + SPANS_PER_BACKEND + 9, (SPANS_PER_BACKEND + 9) * 100_000 + 1)).toBe('loop');
  });

  it('a torn or foreign file starts an empty history and says so in diagnostics', () => {
    const d = dir();
    writeFileSync(path.join(d, PID_HISTORY_FILE), '{"version":1,"backends":{"x":[[1,');
    const log = recorder();
    const h = PidHistory.open(d, log, 0);
    expect(h.ownerOf(1, 0)).toBeNull();
    expect(log.lines[0]).toMatch(/not a pid history, starting a new one/);
  });
});
