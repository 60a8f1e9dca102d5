import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseStat } from '../procfs/stat.js';
import { listProcesses, parseStatus, sumTreeMemory, sumTreePss } from './processes.js';

const fx = (p: string): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', p);
const KB = 1024;

describe('process table', () => {
  it('parses stat lines whose comm contains ") " and parentheses', () => {
    const table = listProcesses(fx('proc-psi'));
    expect(table.size).toBe(8);
    expect(table.entries.get(103)).toMatchObject({ pid: 103, comm: 'worker) S 1 (x', ppid: 100, pgrp: 103, session: 103, state: 'S', startTime: 5003 });
    expect(table.entries.get(201)).toMatchObject({ ppid: 200, session: 200, state: 'R', startTime: 401 });
    expect(parseStat('garbage')).toBeNull();
  });

  it('treeOf: the session (child + grandchild) plus a descendant that left the session', () => {
    const table = listProcesses(fx('proc-psi'));
    expect(table.treeOf(100)).toEqual([100, 101, 102, 103]);
    expect(table.treeOf(200)).toEqual([200, 201]);
    expect(table.treeOf(999)).toEqual([]);
  });
});

describe('status and smaps_rollup', () => {
  it('sums RSS anon/file/shmem and swap over the tree', () => {
    const m = sumTreeMemory(fx('proc-psi'), [100, 101, 102, 103]);
    expect(m).toEqual({
      rss: (4200000 + 1000 + 300000 + 20000) * KB,
      anon: (4000000 + 200 + 250000 + 15000) * KB,
      file: (190000 + 800 + 50000 + 5000) * KB,
      shmem: 10000 * KB,
      swap: (1024 + 512) * KB,
      processes: 4,
      pids: [100, 101, 102, 103],
    });
  });

  it('a kernel thread without RssAnon/VmRSS counts as zero memory', () => {
    const m = sumTreeMemory(fx('proc-psi'), [2]);
    expect(m).toMatchObject({ rss: 0, anon: 0, file: 0, shmem: 0, swap: 0, processes: 1 });
    expect(parseStatus('Name:\tkworker\nState:\tI (idle)\n')).toEqual({ rss: 0, anon: 0, file: 0, shmem: 0, swap: 0 });
  });

  it('PSS from smaps_rollup; processes without one are skipped', () => {
    expect(sumTreePss(fx('proc-psi'), [100, 101, 102, 103])).toBe((4100000 + 900 + 290000 + 18000) * KB);
    expect(sumTreePss(fx('proc-psi'), [2, 200])).toBeNull();
  });

  it('tolerates vanished pids silently and reports unreadable files without throwing', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-proc-'));
    cpSync(fx('proc-psi'), dir, { recursive: true });
    const errors: unknown[] = [];
    // 555 never existed (ENOENT = vanished between readdir and read).
    expect(sumTreeMemory(dir, [555, 101], (e) => errors.push(e))).toMatchObject({ processes: 1, pids: [101] });
    expect(errors).toEqual([]);
    // A directory instead of a status file stands for an unreadable one (root ignores mode bits, so EACCES cannot be staged here).
    rmSync(path.join(dir, '101/status'));
    mkdirSync(path.join(dir, '101/status'));
    expect(sumTreeMemory(dir, [100, 101], (e) => errors.push(e))).toMatchObject({ processes: 1, pids: [100] });
    expect(String(errors[0])).toMatch(/101\/status: EISDIR/);
  });
});

describe('live /proc', () => {
  it('finds this test process in the table with its real parent', () => {
    const table = listProcesses();
    const me = table.entries.get(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(table.treeOf(process.pid)).toContain(process.pid);
    expect(sumTreeMemory('/proc', [process.pid]).rss).toBeGreaterThan(10 * 1024 * 1024);
  });
});
