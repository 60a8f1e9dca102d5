// The kernel's process events connector, for real: a child's fork, exec and
// exit arrive with the exit code, or the signal that ended it, though the
// reader is not the parent that collects it.
import { spawn } from 'node:child_process';
import { afterEach, expect, it } from 'vitest';
import { waitFor } from '../test-support/helpers.js';
import { all, isRoot, itPrivileged, procEventsConnector } from '../test-support/privileged.js';
import { decodeExit, openProcEvents, type ProcEvent } from './proc-events.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

it('decodes the wait status the kernel reports', () => {
  expect(decodeExit(3 << 8)).toEqual({ code: 3, signal: null });
  expect(decodeExit(9)).toEqual({ code: null, signal: 'SIGKILL' });
  expect(decodeExit(15 | 0x80)).toEqual({ code: null, signal: 'SIGTERM' }); // core dump bit set
});

itPrivileged('fork, exec and exit of any process, with its exit code or signal', all(isRoot, procEventsConnector), async () => {
  const seen: ProcEvent[] = [];
  const pe = openProcEvents((ev) => seen.push(...ev));
  cleanups.push(() => pe.close());
  const exits = spawn('/bin/sh', ['-c', 'exit 3'], { stdio: 'ignore' });
  const killed = spawn('/bin/sleep', ['30'], { stdio: 'ignore' });
  cleanups.push(() => killed.kill('SIGKILL'));
  await waitFor(() => seen.some((e) => e.type === 'exec' && e.pid === killed.pid), 30_000, "the sleep's exec");
  killed.kill('SIGKILL');
  const a = await waitFor(() => seen.find((e) => e.type === 'exit' && e.pid === exits.pid), 30_000, 'the exit of sh');
  const b = await waitFor(() => seen.find((e) => e.type === 'exit' && e.pid === killed.pid), 30_000, 'the exit of sleep');
  expect(a).toEqual({ type: 'exit', pid: exits.pid, code: 3, signal: null, ppid: process.pid });
  expect(b).toEqual({ type: 'exit', pid: killed.pid, code: null, signal: 'SIGKILL', ppid: process.pid });
  expect(seen.find((e) => e.type === 'fork' && e.pid === exits.pid)).toEqual({ type: 'fork', pid: exits.pid, ppid: process.pid });
  // Threads are left out: every fork reported is a process's.
  expect(seen.filter((e) => e.type === 'fork' && e.ppid === process.pid).every((e) => e.pid === exits.pid || e.pid === killed.pid)).toBe(true);
});
