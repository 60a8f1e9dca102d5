// Kill priority: the value the kernel holds for the backend's session, the
// children it forks later included; and the refusal to lower it without
// CAP_SYS_RESOURCE (a fixture /proc, since these tests run as root).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/helpers.js';
import { applyOomScoreAdj, hasCapSysResource, readOomScoreAdj } from './oom-score.js';

// The interpreter itself: a `python3` on PATH may be a shim (pyenv) that forks helpers of its own.
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

describe('oom_score_adj for a backend', () => {
  it('is written for the session leader, what it already forked, and inherited by what it forks later', async () => {
    // A session leader that forks one child at once and another after it is told to (a line on stdin).
    const script = 'import os,sys,time\nos.setsid()\nif os.fork()==0:\n  time.sleep(60)\nsys.stdin.readline()\nif os.fork()==0:\n  time.sleep(60)\nprint("forked", flush=True)\ntime.sleep(60)\n';
    const p = spawn(PYTHON, ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
    cleanup.push(() => {
      try {
        process.kill(-p.pid!, 'SIGKILL');
      } catch {
        p.kill('SIGKILL');
      }
    });
    const kids = (): number[] => {
      try {
        return readFileSync(`/proc/${p.pid}/task/${p.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    };
    await waitFor(() => kids().length === 1, 10_000, 'the first child');
    const r = applyOomScoreAdj(p.pid!, 500);
    expect(r).toMatchObject({ ok: true, value: 500 });
    expect(readOomScoreAdj(p.pid!)).toBe(500);
    expect(readOomScoreAdj(kids()[0]!)).toBe(500);
    let out = '';
    p.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    p.stdin!.write('go\n');
    await waitFor(() => out.includes('forked') && kids().length === 2, 10_000, 'the later child');
    for (const k of kids()) expect(readOomScoreAdj(k)).toBe(500);
  });

  it('is not lowered below what the process has without CAP_SYS_RESOURCE, and says so', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'vigil-oomadj-'));
    cleanup.push(() => rmSync(root, { recursive: true, force: true }));
    mkdirSync(path.join(root, 'self'));
    mkdirSync(path.join(root, '4242'));
    writeFileSync(path.join(root, '4242', 'oom_score_adj'), '0\n');
    writeFileSync(path.join(root, '4242', 'stat'), '4242 (llama-server) S 1 4242 4242 0 -1 0\n');
    // CapEff without bit 24 (CAP_SYS_RESOURCE): a desktop user.
    writeFileSync(path.join(root, 'self', 'status'), 'Name:\tvigil\nCapEff:\t0000000000000000\n');
    expect(hasCapSysResource(root)).toBe(false);
    const r = applyOomScoreAdj(4242, -100, root);
    expect(r).toEqual({ ok: false, value: 0, why: 'oom.scoreAdj -100 is below the inherited 0: lowering it needs CAP_SYS_RESOURCE, which Vigil does not have; left at 0' });
    expect(readFileSync(path.join(root, '4242', 'oom_score_adj'), 'utf8')).toBe('0\n');
    // Raising needs nothing.
    expect(applyOomScoreAdj(4242, 300, root)).toMatchObject({ ok: true, value: 300 });
    expect(readOomScoreAdj(4242, root)).toBe(300);
    // With the capability (root has it: bit 24 of 000001ffffffffff) lowering is allowed.
    writeFileSync(path.join(root, 'self', 'status'), 'CapEff:\t000001ffffffffff\n');
    expect(hasCapSysResource(root)).toBe(true);
  });
});
