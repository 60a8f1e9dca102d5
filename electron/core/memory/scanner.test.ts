import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listProcesses } from './processes.js';
import { ProcessScanner } from './scanner.js';

const fx = (p: string): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', p);

function copyProc(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-scan-'));
  cpSync(fx('proc-psi'), dir, { recursive: true });
  return dir;
}

describe('ProcessScanner', () => {
  it('first scan equals a full listProcesses tree, with memory for each tree pid', () => {
    const s = new ProcessScanner(fx('proc-psi'));
    const r = s.scan([100, 200]);
    expect(r.trees.get(100)).toEqual(listProcesses(fx('proc-psi')).treeOf(100));
    expect(r.trees.get(200)).toEqual([200]); // 201 has no status file: not counted
    expect(r.memory.get(102)).toEqual({ rss: 300000 * 1024, anon: 250000 * 1024, file: 50000 * 1024, shmem: 0, swap: 512 * 1024 });
  });

  it('between full scans: picks up new pids, drops vanished ones, follows a parent/session change seen in status', () => {
    const dir = copyProc();
    const s = new ProcessScanner(dir, 1000);
    expect(s.scan([100]).trees.get(100)).toEqual([100, 101, 102, 103]);
    // New grandchild 104 (child of 102, in session 100).
    mkdirSync(path.join(dir, '104'));
    writeFileSync(path.join(dir, '104/stat'), readFileSync(path.join(dir, '102/stat'), 'latin1').replace(/^102 \(python3\) S 101/, '104 (python3) S 102'));
    writeFileSync(path.join(dir, '104/status'), 'Name:\tpython3\nState:\tS (sleeping)\nPPid:\t102\nNSsid:\t100\nVmRSS:\t 10 kB\nRssAnon:\t 10 kB\n');
    // 103 exits.
    rmSync(path.join(dir, '103'), { recursive: true });
    // 101 re-parented to init and in its own session now: its status says so, its (stale) stat is not re-read.
    writeFileSync(path.join(dir, '101/status'), 'Name:\tsh\nState:\tS (sleeping)\nPPid:\t1\nNSsid:\t101\nVmRSS:\t 1000 kB\n');
    const r = s.scan([100]);
    // 102 stays (its session is still 100), 104 joins, 101 and 103 leave.
    expect(r.trees.get(100)).toEqual([100, 102, 104]);
    expect(r.memory.get(104)?.rss).toBe(10 * 1024);
    expect(r.table.entries.get(101)).toMatchObject({ ppid: 1, session: 101 });
  });
});
