import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/helpers.js';
import { listProcesses, parseStatusBytes, type StatusFields } from './processes.js';
import { ProcessScanner, STATUS_EVERY_N } from './scanner.js';
import { pageSize } from '../procfs/stat.js';

const fx = (p: string): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', p);

/** Runs `fn` with a live `sh -c 'sleep 30 & sleep 30'` session (sh, the background sleep, the foreground one), then kills it. */
async function withSleepTree(fn: (sh: number, pids: number[]) => Promise<void> | void): Promise<void> {
  const child = spawn('sh', ['-c', 'sleep 30 & sleep 30'], { detached: true, stdio: 'ignore' });
  try {
    const sh = child.pid!;
    await waitFor(() => listProcesses().treeOf(sh).length >= 3, 30_000, 'both sleeps');
    const pids = listProcesses().treeOf(sh);
    expect(pids).toHaveLength(3);
    await fn(sh, pids);
  } finally {
    process.kill(-child.pid!, 'SIGKILL');
  }
}

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
    expect(r.memory.get(102)).toMatchObject({ rss: 300000 * 1024, anon: 250000 * 1024, file: 50000 * 1024, shmem: 0, swap: 512 * 1024 });
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

  it('lists /proc only when loadavg says a pid was handed out (or on a full scan)', () => {
    const dir = copyProc();
    const loadavg = (last: number): void => writeFileSync(path.join(dir, 'loadavg'), `0.00 0.01 0.05 1/234 ${last}\n`);
    loadavg(500);
    const s = new ProcessScanner(dir, 4);
    expect(s.scan([100]).trees.get(100)).toEqual([100, 101, 102, 103]);
    // A new child of 100 appears, but the last pid did not move: not listed (the kept fd of loadavg re-reads the file).
    mkdirSync(path.join(dir, '104'));
    writeFileSync(path.join(dir, '104/stat'), readFileSync(path.join(dir, '102/stat'), 'latin1').replace(/^102 \(python3\) S 101/, '104 (python3) S 100'));
    writeFileSync(path.join(dir, '104/status'), 'Name:\tpython3\nState:\tS (sleeping)\nPPid:\t100\nNSsid:\t100\nVmRSS:\t 10 kB\n');
    expect(s.scan([100]).trees.get(100)).toEqual([100, 101, 102, 103]);
    loadavg(504);
    expect(s.scan([100]).trees.get(100)).toEqual([100, 101, 102, 103, 104]);
    // Without a loadavg change, only the full scan (every 4th here) finds the next one.
    cpSync(path.join(dir, '104'), path.join(dir, '105'), { recursive: true });
    writeFileSync(path.join(dir, '105/stat'), readFileSync(path.join(dir, '104/stat'), 'latin1').replace(/^104 /, '105 '));
    const found: number[] = [];
    for (let i = 0; i < 4; i++) found.push(s.scan([100]).trees.get(100)!.length);
    expect(found.filter((n) => n === 6)).not.toHaveLength(0);
    expect(found[0]).toBe(5);
    s.close();
  });

  it('keeps the table and trees while nothing changed; other roots are a new computation', () => {
    const dir = copyProc();
    writeFileSync(path.join(dir, 'loadavg'), '0.00 0.01 0.05 1/234 500\n');
    const s = new ProcessScanner(dir, 1000);
    const a = s.scan([100, 200]);
    const b = s.scan([100, 200]);
    expect(b.table).toBe(a.table);
    expect(b.trees.get(100)).toBe(a.trees.get(100));
    expect(s.scan([200]).trees.get(200)).toEqual([200]);
    expect(s.scan([200]).trees.has(100)).toBe(false);
    s.close();
  });

  it('a live tree pid that exits leaves at the next tick with no listing (its kept status fd answers ESRCH)', () =>
    withSleepTree(async (sh, pids) => {
      // A procRoot whose pid entries lead into the real /proc and whose last pid never moves:
      // after the first tick the scanner never lists again (the full scan is 1000 ticks away).
      const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-scan-live-'));
      writeFileSync(path.join(dir, 'loadavg'), '0.00 0.01 0.05 1/234 500\n');
      for (const p of pids) symlinkSync(`/proc/${p}`, path.join(dir, String(p)));
      const s = new ProcessScanner(dir, 1000);
      expect(s.scan([sh]).trees.get(sh)).toEqual(pids);
      // The background sleep (sh waits on the foreground one, so sh stays).
      const victim = pids[1]!;
      process.kill(victim, 'SIGKILL');
      await waitFor(() => !listProcesses().entries.has(victim), 30_000, 'sh to reap the victim');
      expect(s.scan([sh]).trees.get(sh)).toEqual([pids[0], pids[2]]);
      s.close();
    }));
});

describe('statm between status reads', () => {
  it('takes RSS and anon from statm, the rest from the last status; a malformed statm falls back to status', () => {
    const dir = copyProc();
    const s = new ProcessScanner(dir, 1000);
    const page = pageSize();
    const first = s.scan([102]).memory.get(102)!; // first tick of a pid: status
    expect(first.rss).toBe(300000 * 1024);
    // 102's statm: 1000 pages resident, 300 of them file/shmem.
    writeFileSync(path.join(dir, '102/statm'), '5000 1000 300 10 0 800 0\n');
    const seen: StatusFields[] = [];
    for (let i = 0; i < STATUS_EVERY_N; i++) seen.push(s.scan([102]).memory.get(102)!);
    const fromStatm = seen.filter((m) => m.rss === 1000 * page);
    expect(fromStatm).toHaveLength(STATUS_EVERY_N - 1); // one tick in N is a status read
    expect(fromStatm[0]).toMatchObject({ anon: 700 * page, file: 300 * page, shmem: 0, swap: 512 * 1024, ppid: 1 }); // swap and PPid: the last status
    expect(s.reads.statm).toBe(STATUS_EVERY_N - 1);
    writeFileSync(path.join(dir, '102/statm'), 'garbage\n');
    expect(s.scan([102]).memory.get(102)!.rss).toBe(300000 * 1024);
    s.close();
  });

  it('on a live process tree statm ticks agree with status (anon + file + shmem = RSS, RSS within 5 %)', () =>
    withSleepTree((sh) => {
      const s = new ProcessScanner('/proc', 1000);
      for (let t = 0; t < 2 * STATUS_EVERY_N; t++) {
        const r = s.scan([sh]);
        expect(r.trees.get(sh)).toHaveLength(3);
        for (const pid of r.trees.get(sh)!) {
          const m = r.memory.get(pid)!;
          expect(m.anon + m.file + m.shmem).toBe(m.rss);
          const vmRss = Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'))![1]) * 1024;
          expect(Math.abs(m.rss - vmRss)).toBeLessThanOrEqual(vmRss * 0.05);
        }
      }
      expect(s.reads.statm).toBeGreaterThan(s.reads.status);
      expect(s.reads.status).toBeGreaterThanOrEqual(3 * 2); // each pid's first tick and its turn in N
      expect([4096, 16384, 65536]).toContain(pageSize());
      s.close();
    }));
});

describe('status parsing from bytes', () => {
  it('reads memory, PPid, NSsid and State of this live process like the text does', () => {
    const text = readFileSync('/proc/self/status', 'latin1');
    const f = parseStatusBytes(Buffer.from(text, 'latin1'), text.length);
    const field = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(text)![1]);
    expect(f.ppid).toBe(process.ppid);
    expect(f.session).toBe(field('NSsid'));
    expect(f.state).toBe(/^State:\s+(\S)/m.exec(text)![1]);
    expect(f.rss).toBe(field('VmRSS') * 1024);
    expect(f.anon + f.file + f.shmem).toBe(f.rss);
    expect(f.swap).toBe(field('VmSwap') * 1024);
  });

  it('takes the first NSsid of nested namespaces, and tolerates a truncated buffer', () => {
    const text = 'Name:\tx\nState:\tR (running)\nPPid:\t7\nNSsid:\t40\t1\nVmRSS:\t  12 kB\nRssAnon:\t 12 kB\nVmSwap:\t0 kB\n';
    expect(parseStatusBytes(Buffer.from(text), text.length)).toEqual({ rss: 12 * 1024, anon: 12 * 1024, file: 0, shmem: 0, swap: 0, ppid: 7, session: 40, state: 'R' });
    const cut = text.indexOf('VmRSS') + 4; // "VmRS": not a key
    expect(parseStatusBytes(Buffer.from(text), cut)).toMatchObject({ rss: 0, ppid: 7, session: 40 });
  });
});
