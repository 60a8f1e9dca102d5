// Real processes, real signals, real /proc: nothing here is mocked.
import { chmodSync, closeSync, openSync, mkdtempSync, readFileSync, readSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LibcError, SpawnError, adoptProcess, closeHandle, isRunning, onChildExit, peekExit, probe, readStartTime, reap, sendSignal,
  signalName, signalNumber, spawnProcess, terminate, watchExit,
} from './process.js';
import type { ProcessHandle, SpawnOptions } from './types.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-proc-'));
const started: ProcessHandle[] = [];
afterAll(async () => {
  for (const h of started) if (isRunning(h)) await terminate(h, { graceMs: 100 });
  for (const h of started) {
    reap(h);
    closeHandle(h);
  }
  rmSync(dir, { recursive: true, force: true });
});

function start(opts: SpawnOptions): ProcessHandle {
  const { handle } = spawnProcess(opts);
  started.push(handle);
  return handle;
}

const exited = (h: ProcessHandle): Promise<void> => new Promise((resolve) => watchExit(h, resolve));

async function waitFor(cond: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Read a non-blocking pipe until EOF (only reached once every write end is closed). */
async function readAll(fd: number): Promise<string> {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  for (;;) {
    try {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(Buffer.from(buf.subarray(0, n)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  closeSync(fd);
  return Buffer.concat(chunks).toString();
}

/** Spawn sh with a pipe on stdout; resolve the first line it prints (e.g. a grandchild pid). */
async function shWithPid(script: string): Promise<{ handle: ProcessHandle; childPid: number }> {
  const r = spawnProcess({ file: 'sh', argv: ['sh', '-c', script], stdout: { kind: 'pipe' } });
  started.push(r.handle);
  const fd = r.stdoutFd!;
  const buf = Buffer.alloc(64);
  let text = '';
  const end = Date.now() + 30_000;
  while (!text.includes('\n')) {
    if (Date.now() > end) throw new Error('no pid printed');
    try {
      const n = readSync(fd, buf, 0, buf.length, null);
      text += buf.toString('utf8', 0, n);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await new Promise((res) => setTimeout(res, 5));
    }
  }
  closeSync(fd);
  return { handle: r.handle, childPid: Number(text.trim()) };
}

const pidMax = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));

describe('liveness is non-mutating', () => {
  it('an exited, unreaped child is a zombie, not running, and keeps exit code 42 for reap', async () => {
    const h = start({ file: 'sh', argv: ['sh', '-c', 'exit 42'] });
    await exited(h);
    expect(probe(h).state).toBe('zombie');
    expect(probe(h).letter).toBe('Z');
    expect(isRunning(h)).toBe(false);
    expect(isRunning(h)).toBe(false);
    // Still a zombie: the checks above consumed nothing.
    expect(probe(h).state).toBe('zombie');
    expect(reap(h)).toEqual({ exited: true, code: 42, signal: null, coreDumped: false });
    expect(probe(h).state).toBe('gone');
    expect(reap(h)).toEqual({ exited: false, reason: 'already-reaped' });
    expect(isRunning(h)).toBe(false);
  });

  it('a running child is running; reaping it does not block and leaves it running', () => {
    const h = start({ file: 'sleep', argv: ['sleep', '30'] });
    expect(isRunning(h)).toBe(true);
    expect(reap(h)).toEqual({ exited: false, reason: 'running' });
    expect(isRunning(h)).toBe(true);
    // A child just past exec may be paging its binary in (D) on a busy machine: any live state.
    expect(['running', 'sleeping', 'disk-sleep']).toContain(probe(h).state);
    expect(probe(h).pgid).toBe(h.pid); // own session/group
    expect(probe(h).ppid).toBe(process.pid);
  });

  it('pid 0, -1 and a pid above pid_max are not running, child or not', () => {
    for (const pid of [0, -1, pidMax + 1]) {
      for (const isChild of [true, false]) {
        const h: ProcessHandle = { pid, pidfd: -1, startTime: 1, pgid: pid, isChild };
        expect(isRunning(h), `pid ${pid} isChild ${isChild}`).toBe(false);
        expect(probe(h).state).toBe('gone');
        expect(sendSignal(h, 0)).toBe(false);
      }
    }
  });

  it('SIGKILL is reported as signal 9', async () => {
    const h = start({ file: 'sleep', argv: ['sleep', '30'] });
    expect(sendSignal(h, 'SIGKILL')).toBe(true);
    await exited(h);
    expect(isRunning(h)).toBe(false);
    // An exited, unreaped child is gone for signalling too (although kill(2) would accept it).
    expect(sendSignal(h, 'SIGTERM')).toBe(false);
    expect(reap(h)).toEqual({ exited: true, code: null, signal: 9, coreDumped: false });
  });

  it('parses a command name with spaces and parentheses from the last ")"', async () => {
    const link = path.join(dir, 'a) Z (b');
    symlinkSync('/bin/sleep', link);
    const h = start({ file: link, argv: ['sleep', '30'] });
    await waitFor(() => probe(h).state === 'sleeping', 'sleep to sleep');
    const p = probe(h);
    expect(p.comm).toBe('a) Z (b');
    expect(p.letter).toBe('S');
    expect(p.ppid).toBe(process.pid);
    expect(isRunning(h)).toBe(true);
  });

  it('a stopped process is "stopped" yet running', async () => {
    const h = start({ file: 'sleep', argv: ['sleep', '30'] });
    expect(sendSignal(h, 'SIGSTOP')).toBe(true);
    await waitFor(() => probe(h).state === 'stopped', 'SIGSTOP to take effect');
    expect(isRunning(h)).toBe(true);
    expect(reap(h)).toEqual({ exited: false, reason: 'running' });
    sendSignal(h, 'SIGCONT');
    await waitFor(() => probe(h).state !== 'stopped', 'SIGCONT');
  });

  it('a handle whose start time does not match (pid reused) is not running and is not signalled', async () => {
    const real = start({ file: 'sleep', argv: ['sleep', '30'] });
    const wrong: ProcessHandle = { pid: real.pid, pidfd: -1, startTime: real.startTime + 1, pgid: real.pgid, isChild: false };
    expect(isRunning(wrong)).toBe(false);
    expect(probe(wrong).state).toBe('gone');
    expect(sendSignal(wrong, 'SIGKILL')).toBe(false);
    expect(sendSignal(wrong, 'SIGKILL', { group: true })).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(isRunning(real)).toBe(true);
    expect(readStartTime(real.pid)).toBe(real.startTime);
  });
});

describe('a child handle without a pidfd', () => {
  it('whose recorded start time is not the live process\'s (a reused pid) is not running, not signalled, and reaps nothing', async () => {
    const real = start({ file: 'sleep', argv: ['sleep', '30'] });
    // The same pid seen through a handle that recorded another start time: what a
    // handle of an earlier child would see after its pid went to this one.
    const stale: ProcessHandle = { pid: real.pid, pidfd: -1, startTime: real.startTime + 1, pgid: real.pgid, isChild: true };
    expect(isRunning(real)).toBe(true);
    expect(isRunning(stale)).toBe(false);
    expect(sendSignal(stale, 'SIGKILL')).toBe(false);
    expect(sendSignal(stale, 'SIGKILL', { group: true })).toBe(false);
    expect(reap(stale)).toEqual({ exited: false, reason: 'already-reaped' });
    expect(peekExit(stale)).toEqual({ exited: false, reason: 'already-reaped' });
    expect(isRunning(real)).toBe(true);
    // Once the real child exits, its status is still its own to collect.
    const done = exited(real);
    expect(sendSignal(real, 'SIGTERM')).toBe(true);
    await done;
    expect(reap(stale)).toEqual({ exited: false, reason: 'already-reaped' });
    expect(reap(real)).toEqual({ exited: true, code: null, signal: 15, coreDumped: false });
  });

  it('with the right start time still answers from waitid (a pidfd closed early)', async () => {
    const h = start({ file: 'sleep', argv: ['sleep', '30'] });
    closeHandle(h);
    expect(isRunning(h)).toBe(true);
    expect(peekExit(h)).toEqual({ exited: false, reason: 'running' });
    const done = exited(h);
    expect(sendSignal(h, 'SIGKILL')).toBe(true);
    await done;
    expect(isRunning(h)).toBe(false);
    expect(peekExit(h)).toEqual({ exited: true, code: null, signal: 9, coreDumped: false });
    expect(probe(h).state).toBe('zombie');
    expect(reap(h)).toEqual({ exited: true, code: null, signal: 9, coreDumped: false });
  });
});

describe('peekExit', () => {
  it('reads exit code 42 of a zombie without reaping it, as often as asked', async () => {
    const h = start({ file: 'sh', argv: ['sh', '-c', 'exit 42'] });
    await exited(h);
    expect(peekExit(h)).toEqual({ exited: true, code: 42, signal: null, coreDumped: false });
    expect(peekExit(h)).toEqual({ exited: true, code: 42, signal: null, coreDumped: false });
    expect(probe(h).state).toBe('zombie');
    expect(isRunning(h)).toBe(false);
    expect(reap(h)).toEqual({ exited: true, code: 42, signal: null, coreDumped: false });
    expect(peekExit(h)).toEqual({ exited: false, reason: 'already-reaped' });
  });

  it('says running for a live child and not-a-child for an adopted process', () => {
    const h = start({ file: 'sleep', argv: ['sleep', '30'] });
    expect(peekExit(h)).toEqual({ exited: false, reason: 'running' });
    expect(peekExit({ ...h, isChild: false })).toEqual({ exited: false, reason: 'not-a-child' });
  });
});

describe('exit notification', () => {
  it('onChildExit fires for a killed child, and the status is still there to reap', async () => {
    const h = start({ file: 'sleep', argv: ['sleep', '30'] });
    const seen: number[] = [];
    const got = new Promise<void>((resolve) => {
      const off = onChildExit((pid) => {
        seen.push(pid);
        if (pid === h.pid) {
          off();
          resolve();
        }
      });
    });
    process.kill(h.pid, 'SIGKILL');
    await got;
    expect(seen).toContain(h.pid);
    expect(probe(h).state).toBe('zombie');
    expect(reap(h)).toMatchObject({ exited: true, signal: 9 });
  });

  it('watchExit works without a pidfd (SIGCHLD path) after closeHandle', async () => {
    const h = start({ file: 'sleep', argv: ['sleep', '30'] });
    closeHandle(h);
    closeHandle(h); // idempotent
    expect(h.pidfd).toBe(-1);
    expect(isRunning(h)).toBe(true);
    const done = exited(h);
    expect(sendSignal(h, 'SIGTERM')).toBe(true);
    await done;
    expect(reap(h)).toMatchObject({ exited: true, signal: 15 });
    expect(isRunning(h)).toBe(false);
    expect(sendSignal(h, 'SIGTERM')).toBe(false);
  });
});

describe('process groups and termination', () => {
  it('terminate reaches a grandchild that ignores SIGTERM (SIGKILL to the group after the grace)', async () => {
    // sh and its background sleep both ignore TERM, so only the group SIGKILL can stop them.
    const { handle, childPid } = await shWithPid('trap "" TERM; sleep 300 & echo $!; wait');
    const gStart = readStartTime(childPid);
    expect(gStart).not.toBeNull();
    expect(probe({ pid: childPid, pidfd: -1, startTime: gStart!, pgid: 0, isChild: false }).pgid).toBe(handle.pid);
    const result = await terminate(handle, { graceMs: 300 });
    expect(result).toEqual({ exited: true, code: null, signal: 9, coreDumped: false });
    await waitFor(() => readStartTime(childPid) !== gStart || readFileSync(`/proc/${childPid}/stat`, 'utf8').includes(') Z'), 'grandchild to die');
  });

  it('terminate kills stragglers when the leader exits on SIGTERM but a grandchild ignores it', async () => {
    const { handle, childPid } = await shWithPid('(trap "" TERM; exec sleep 300) & echo $!; wait');
    const gStart = readStartTime(childPid);
    const result = await terminate(handle, { graceMs: 5000 });
    expect(result).toEqual({ exited: true, code: null, signal: 15, coreDumped: false });
    await waitFor(() => readStartTime(childPid) !== gStart || readFileSync(`/proc/${childPid}/stat`, 'utf8').includes(') Z'), 'grandchild to die');
  });

  it('group signals are refused once the leader is reaped (its pgid may be recycled)', async () => {
    const h = start({ file: 'sh', argv: ['sh', '-c', 'exit 0'] });
    await exited(h);
    expect(sendSignal(h, 'SIGTERM', { group: true })).toBe(true); // zombie leader still pins the group
    reap(h);
    expect(sendSignal(h, 'SIGTERM', { group: true })).toBe(false);
  });

  it('a real failure throws LibcError with errno name and syscall', () => {
    // A "pidfd" that is really a regular file: waitid(P_PIDFD) fails with EBADF.
    const f = path.join(dir, 'not-a-pidfd');
    writeFileSync(f, '');
    const fd = openSync(f, 'r');
    try {
      const h: ProcessHandle = { pid: process.pid, pidfd: fd, startTime: 1, pgid: 0, isChild: true };
      expect(() => reap(h)).toThrow(expect.objectContaining({ name: 'LibcError', code: 'EBADF', syscall: 'waitid' }));
      expect(() => reap(h)).toThrow(LibcError);
    } finally {
      closeSync(fd);
    }
    expect(() => sendSignal(started[0]!, 65)).toThrow(RangeError);
  });
});

describe('spawn errors and stdio', () => {
  it('a missing binary throws SpawnError ENOENT naming the path', () => {
    for (const file of ['/nonexistent/vigil-backend', 'vigil-no-such-program-xyz']) {
      try {
        spawnProcess({ file });
        expect.unreachable('spawn should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(SpawnError);
        expect((e as SpawnError).code).toBe('ENOENT');
        expect((e as SpawnError).path).toBe(file);
        expect((e as Error).message).toContain(file);
      }
    }
  });

  it('a non-executable file or a directory throws SpawnError EACCES', () => {
    const f = path.join(dir, 'not-exec.sh');
    writeFileSync(f, '#!/bin/sh\nexit 0\n');
    chmodSync(f, 0o644);
    for (const file of [f, dir]) {
      expect(() => spawnProcess({ file })).toThrow(expect.objectContaining({ name: 'SpawnError', code: 'EACCES', path: file }));
    }
  });

  it("posix_spawn's own error return becomes a SpawnError (ENOEXEC for a bogus executable)", () => {
    const f = path.join(dir, 'bogus');
    writeFileSync(f, '\x7fELF not really');
    chmodSync(f, 0o755);
    expect(() => spawnProcess({ file: f })).toThrow(expect.objectContaining({ name: 'SpawnError', code: 'ENOEXEC', path: f }));
  });

  it('a missing cwd is a SpawnError naming the directory', () => {
    expect(() => spawnProcess({ file: 'true', cwd: path.join(dir, 'nope') })).toThrow(expect.objectContaining({ name: 'SpawnError', path: path.join(dir, 'nope') }));
  });

  it('stdout and stderr go to files (appended, created), cwd and env are applied', async () => {
    const out = path.join(dir, 'out.log');
    const err = path.join(dir, 'err.log');
    for (let i = 0; i < 2; i++) {
      const h = start({
        file: 'sh', argv: ['sh', '-c', 'echo "out $VIGIL_T $(pwd)"; echo err >&2'],
        env: { PATH: process.env.PATH, VIGIL_T: `t${i}` }, cwd: dir,
        stdout: { kind: 'file', path: out }, stderr: { kind: 'file', path: err },
      });
      await exited(h);
      expect(reap(h)).toMatchObject({ exited: true, code: 0 });
    }
    expect(readFileSync(out, 'utf8')).toBe(`out t0 ${dir}\nout t1 ${dir}\n`);
    expect(readFileSync(err, 'utf8')).toBe('err\nerr\n');
  });

  it('pipes deliver stdout and stderr separately and reach EOF (write ends closed in the parent)', async () => {
    const r = spawnProcess({ file: 'sh', argv: ['sh', '-c', 'echo hello; echo oops >&2'], stdout: { kind: 'pipe' }, stderr: { kind: 'pipe' } });
    started.push(r.handle);
    const [o, e] = await Promise.all([readAll(r.stdoutFd!), readAll(r.stderrFd!)]);
    expect(o).toBe('hello\n');
    expect(e).toBe('oops\n');
  });

  it('the child gets only fds 0-2, stdin is /dev/null, and stderr defaults to stdout', async () => {
    const r = spawnProcess({ file: 'sh', argv: ['sh', '-c', 'ls /proc/self/fd; readlink /proc/self/fd/0; echo E >&2'], stdout: { kind: 'pipe' } });
    started.push(r.handle);
    expect(r.stderrFd).toBeNull();
    const lines = (await readAll(r.stdoutFd!)).trim().split('\n');
    // ls itself opens one fd (3) for the directory it lists.
    expect(lines.slice(0, -2).sort()).toEqual(['0', '1', '2', '3']);
    expect(lines.at(-2)).toBe('/dev/null');
    expect(lines.at(-1)).toBe('E');
  });

  it('the child starts with no blocked and no ignored signals (Node ignores SIGPIPE)', async () => {
    const r = spawnProcess({ file: 'cat', argv: ['cat', '/proc/self/status'], stdout: { kind: 'pipe' } });
    started.push(r.handle);
    const status = await readAll(r.stdoutFd!);
    expect(status).toMatch(/^SigBlk:\s*0+$/m);
    expect(status).toMatch(/^SigIgn:\s*0+$/m);
    const me = readFileSync('/proc/self/status', 'utf8');
    expect(me).not.toMatch(/^SigIgn:\s*0+$/m); // proves the reset mattered
  });

  it('1000 spawn/reap cycles leave no fd behind', async () => {
    const count = (): number => readdirSync('/proc/self/fd').length;
    // Warm up lazily-created fds (epoll for SIGCHLD, pidfd poll) before counting.
    const w = start({ file: 'true' });
    await exited(w);
    reap(w);
    closeHandle(w);
    const before = count();
    for (let i = 0; i < 1000; i++) {
      const r = spawnProcess({ file: 'true', stdout: i % 2 ? { kind: 'pipe' } : { kind: 'null' } });
      await exited(r.handle);
      expect(reap(r.handle)).toMatchObject({ exited: true, code: 0 });
      if (r.stdoutFd !== null) closeSync(r.stdoutFd);
      closeHandle(r.handle);
    }
    expect(count()).toBe(before);
  }, 120_000);
});

describe('adopting a process that is not our child', () => {
  it('adopts a grandchild: isRunning/probe/watchExit work, reap says not-a-child', async () => {
    const { handle, childPid } = await shWithPid('sleep 300 & echo $!; wait');
    const st = readStartTime(childPid)!;
    expect(adoptProcess(childPid, st + 7)).toBeNull();
    expect(adoptProcess(pidMax + 1, 1)).toBeNull();
    const a = adoptProcess(childPid, st)!;
    started.push(a);
    expect(a).toMatchObject({ pid: childPid, startTime: st, pgid: handle.pid, isChild: false });
    expect(a.pidfd).toBeGreaterThanOrEqual(0);
    expect(isRunning(a)).toBe(true);
    // $! is printed right after the fork: the grandchild may still be a copy of sh until it execs sleep.
    await waitFor(() => probe(a).comm === 'sleep', 'the grandchild to exec sleep');
    expect(probe(a)).toMatchObject({ comm: 'sleep', ppid: handle.pid });
    expect(reap(a)).toEqual({ exited: false, reason: 'not-a-child' });
    const gone = exited(a);
    expect(sendSignal(a, 'SIGKILL')).toBe(true);
    await gone;
    // sh waits for it, so it may be a zombie of sh for a moment: either way not running.
    expect(isRunning(a)).toBe(false);
    expect(await terminate(handle, { graceMs: 1000 })).toMatchObject({ exited: true });
  });
  it('terminate on an adopted process signals its group and reports not-a-child once it is gone', async () => {
    const { handle, childPid } = await shWithPid('sleep 300 & echo $!; wait');
    const a = adoptProcess(childPid, readStartTime(childPid)!)!;
    started.push(a);
    expect(await terminate(a, { graceMs: 2000 })).toEqual({ exited: false, reason: 'not-a-child' });
    expect(isRunning(a)).toBe(false);
    // The group was the sh's: it got SIGTERM too.
    await exited(handle);
    expect(reap(handle)).toMatchObject({ exited: true, signal: 15 });
  });
});

describe('signal names', () => {
  it('maps names and numbers both ways and rejects unknown names', () => {
    expect(signalNumber('SIGTERM')).toBe(15);
    expect(signalNumber('SIGKILL')).toBe(9);
    expect(signalNumber(9)).toBe(9);
    expect(signalName(15)).toBe('SIGTERM');
    expect(signalName(200)).toBeNull();
    expect(() => signalNumber('SIGNOPE' as NodeJS.Signals)).toThrow(/unknown signal name: SIGNOPE/);
  });
});
