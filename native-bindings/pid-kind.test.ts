import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pidKind } from './pid-kind.js';

describe('pidKind', () => {
  it('tells a process from one of its threads and from a pid nobody has', async () => {
    expect(pidKind(process.pid)).toBe('process');
    const threads = readdirSync(`/proc/${process.pid}/task`).map(Number).filter((t) => t !== process.pid);
    expect(threads.length).toBeGreaterThan(0); // node always runs worker threads
    for (const t of threads) expect(pidKind(t)).toBe('other');
    const child = spawn('sleep', ['0']);
    const pid = child.pid!;
    await new Promise((r) => child.once('exit', r));
    await new Promise((r) => setTimeout(r, 50));
    expect(pidKind(pid)).toBe('other'); // reaped by node: gone
    expect(pidKind(0)).toBe('other');
  });
});
