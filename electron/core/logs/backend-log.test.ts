import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLine } from '../../common/api.js';
import { tempDir, waitFor } from '../../../test-support/helpers.js';
import { BackendLog } from './backend-log.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));
function logFile(name = 'llama.log') {
  const t = tempDir('vigil-logs-');
  cleanups.push(t.cleanup);
  return path.join(t.dir, 'logs', name);
}
function open(file: string, opts = {}) {
  const log = new BackendLog(file, { pollMs: 50, ...opts });
  log.start();
  cleanups.push(() => log.stop());
  return log;
}
/** A real child writing to the log through its own O_APPEND descriptor, as the spawn does. */
function writerChild(file: string, script: string): ChildProcess {
  const fd = openSync(file, 'a');
  const child = spawn('sh', ['-c', script], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  cleanups.push(() => child.kill('SIGKILL'));
  return child;
}

describe('BackendLog', () => {
  it('seeds from an existing file, tails appended lines, holds a partial line until its newline', async () => {
    const f = logFile();
    const log0 = new BackendLog(f);
    log0.appendVigilLine('spawned pid 1'); // creates the directory and file
    appendFileSync(f, 'old 1\nold 2\r\n');
    const log = open(f);
    expect(log.tail(10).map((l) => [l.stream, l.text])).toEqual([
      ['vigil', expect.stringMatching(/^\d{4}-\d\d-\d\dT.* spawned pid 1$/)],
      ['stdout', 'old 1'],
      ['stdout', 'old 2'],
    ]);
    const got: LogLine[][] = [];
    log.subscribe((lines) => got.push(lines));
    appendFileSync(f, 'new 1\npart');
    await waitFor(() => got.flat().length === 1, 30_000, 'first new line');
    expect(got.flat()[0]!.text).toBe('new 1');
    appendFileSync(f, 'ial\n');
    await waitFor(() => got.flat().length === 2, 30_000, 'completed partial line');
    expect(got.flat()[1]!.text).toBe('partial');
    expect(log.tail(2).map((l) => l.text)).toEqual(['new 1', 'partial']);
  });

  it('seeding a big file starts at a line boundary and keeps only the ring', () => {
    const f = logFile();
    const log0 = new BackendLog(f);
    log0.appendVigilLine('x');
    writeFileSync(f, Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const log = open(f, { seedBytes: 1000, ringSize: 50 });
    const t = log.tail(1000);
    expect(t.length).toBeLessThanOrEqual(50);
    expect(t[t.length - 1]!.text).toBe('line 4999');
    for (const l of t) expect(l.text).toMatch(/^line \d+$/);
  });

  it('unsubscribe stops delivery; a foreign truncation restarts from the top', async () => {
    const f = logFile();
    const log = open(f);
    const got: string[] = [];
    const off = log.subscribe((ls) => got.push(...ls.map((l) => l.text)));
    appendFileSync(f, 'aaaaaaaaaaaaaaaaaaaa\n');
    await waitFor(() => got.length === 1, 30_000, 'line');
    truncateSync(f, 0);
    appendFileSync(f, 'b\n');
    await waitFor(() => got.includes('b'), 30_000, 'line after truncation');
    off();
    appendFileSync(f, 'c\n');
    await waitFor(() => log.tail(1)[0]?.text === 'c', 30_000, 'c in ring');
    expect(got).toEqual(['aaaaaaaaaaaaaaaaaaaa', 'b']);
  });

  it('rotates by copy-then-truncate while a real child keeps appending, without interleaving garbage', async () => {
    const f = logFile();
    const log = open(f, { maxBytes: 4096, ringSize: 100_000 });
    const child = writerChild(f, 'i=0; while true; do i=$((i+1)); echo "line $i"; sleep 0.01; done');
    await waitFor(() => log.rotations >= 2, 120_000, 'two rotations'); // a loaded machine runs the writer's loop slowly
    const before = log.tail(100_000).length;
    await waitFor(() => log.tail(100_000).length > before + 5, 30_000, 'lines after rotation');
    child.kill('SIGKILL');
    // The child's O_APPEND writes landed at the new end: the live file is small and starts clean.
    expect(statSync(f).size).toBeLessThan(4096 + 1024);
    const live = readFileSync(f, 'utf8');
    expect(live.includes('\0')).toBe(false);
    expect(readFileSync(log.rotatedPath, 'utf8')).toMatch(/^line \d+\n/);
    const nums = log.tail(100_000).map((l) => {
      expect(l.text).toMatch(/^line \d+$/);
      return Number(l.text.slice(5));
    });
    // In order, and at most a few lines lost to the copy/truncate race per rotation.
    for (let i = 1; i < nums.length; i++) expect(nums[i]!).toBeGreaterThan(nums[i - 1]!);
    expect(nums[nums.length - 1]! - nums[0]! + 1 - nums.length).toBeLessThanOrEqual(5 * log.rotations);
   }, 300_000);

  it('appendVigilLine goes through the file so notes and output keep their order', async () => {
    const f = logFile();
    const log = open(f);
    appendFileSync(f, 'out 1\n');
    log.appendVigilLine('spawned pid 123');
    appendFileSync(f, 'out 2\n');
    await waitFor(() => log.tail(10).length === 3, 30_000, 'three lines');
    expect(log.tail(10).map((l) => l.stream)).toEqual(['stdout', 'vigil', 'stdout']);
    expect(log.tail(10)[1]!.text).toMatch(/spawned pid 123$/);
  });
});
