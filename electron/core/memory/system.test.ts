import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePsi, readPsi, readSystemMemory, SystemMemoryReader } from './system.js';

const fx = (p: string): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', p);

describe('readSystemMemory', () => {
  it('reads meminfo in bytes and PSI when present', () => {
    const m = readSystemMemory(fx('proc-psi'), 1234);
    expect(m).toEqual({
      time: 1234,
      memTotal: 65536000 * 1024,
      memAvailable: 4096000 * 1024,
      swapTotal: 8388604 * 1024,
      swapFree: 2097152 * 1024,
      psi: { someAvg10: 12.5, someAvg60: 4.2, fullAvg10: 7.75, fullAvg60: 2.1 },
    });
  });

  it('gives psi null when /proc/pressure/memory is absent', () => {
    const m = readSystemMemory(fx('proc-nopsi'));
    expect(m.psi).toBeNull();
    expect(m.memAvailable).toBe(2000000 * 1024);
    expect(m.swapTotal).toBe(0);
  });

  it('names file, line and field for a malformed value', () => {
    expect(() => readSystemMemory(fx('proc-bad'))).toThrow(/proc-bad\/meminfo:2: field MemAvailable: expected "<number> kB", got "lots kB"/);
  });

  it('names the missing field and missing file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-meminfo-'));
    expect(() => readSystemMemory(dir)).toThrow(new RegExp(`${dir}/meminfo: ENOENT`));
    writeFileSync(path.join(dir, 'meminfo'), 'MemTotal: 10 kB\nMemAvailable: 5 kB\nSwapTotal: 0 kB\n');
    expect(() => readSystemMemory(dir)).toThrow(/meminfo: missing field SwapFree/);
  });

  it('treats a PSI file that cannot be read as supported=false only for ENOENT/EOPNOTSUPP', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-psi-'));
    // A directory where the file should be: EISDIR is a real problem, reported, not hidden.
    mkdirSync(path.join(dir, 'pressure/memory'), { recursive: true });
    expect(() => readPsi(dir)).toThrow(/pressure\/memory: EISDIR/);
  });

  it('parses PSI without a "full" line and rejects garbage with a line number', () => {
    expect(parsePsi('some avg10=1.00 avg60=2.00 avg300=3.00 total=4\n')).toEqual({ someAvg10: 1, someAvg60: 2, fullAvg10: 0, fullAvg60: 0 });
    expect(() => parsePsi('some avg10=1.00 avg60=2.00\nfull avg10=x avg60=1\n', 'f')).toThrow('f:2: field full.avg10: expected a number, got "x"');
    expect(() => parsePsi('bogus line\n', 'f')).toThrow('f:1: expected "some" or "full"');
  });

  it('SystemMemoryReader re-reads through its kept fds and notices a PSI file that appears later', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vigil-sysmem-'));
    const meminfo = (avail: number): void => writeFileSync(path.join(dir, 'meminfo'), `MemTotal: 100 kB\nMemAvailable: ${avail} kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n`);
    meminfo(50);
    const r = new SystemMemoryReader(dir);
    expect(r.read(1)).toMatchObject({ memAvailable: 50 * 1024, psi: null });
    meminfo(40); // same file (inode), new text: the kept fd reads it from the start
    mkdirSync(path.join(dir, 'pressure'));
    writeFileSync(path.join(dir, 'pressure/memory'), 'some avg10=1.00 avg60=2.00 avg300=0 total=1\nfull avg10=0.50 avg60=0.25 avg300=0 total=1\n');
    expect(r.read(2)).toMatchObject({ memAvailable: 40 * 1024, psi: { someAvg10: 1, fullAvg10: 0.5 } });
    r.close();
    expect(new SystemMemoryReader('/proc').read().memTotal).toBe(readSystemMemory().memTotal);
  });

  it('reads the live /proc of this machine', () => {
    const m = readSystemMemory();
    expect(m.memTotal).toBeGreaterThan(0);
    expect(m.memAvailable).toBeGreaterThan(0);
    expect(m.memAvailable).toBeLessThanOrEqual(m.memTotal);
  });
});
