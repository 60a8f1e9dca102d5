// The careless manager fixture (test-support/watch/careless-manager.py) for
// Playwright specs: it starts a program as its child, never reaps it, and
// prints the child's pid. Specs reach the script by path; vitest's helper
// (test-support/watch/servers.ts) is not theirs to import.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { ROOT } from './global-setup.js';

const SCRIPT = path.join(ROOT, 'test-support', 'watch', 'careless-manager.py');

export interface CarelessManager {
  manager: ChildProcess;
  managerPid: number;
  /** The child it started and will never reap. */
  pid: number;
  /** What the child wrote (it shares the manager's stderr). */
  output(): string;
  kill(): void;
}

/** Starts `argv` under the careless manager named `comm`, optionally inside a memory cgroup (its cgroup.procs file). */
export async function startCareless(argv: string[], opts: { comm?: string; cgroupProcs?: string } = {}): Promise<CarelessManager> {
  const args = [SCRIPT, '--comm', opts.comm ?? 'lemond', ...(opts.cgroupProcs ? ['--cgroup-procs', opts.cgroupProcs] : []), '--', ...argv];
  const manager = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  manager.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  manager.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const pid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the careless manager printed no pid within 30 s: ${err}`)), 30_000);
    const check = (): void => {
      const n = Number(out.trim().split('\n')[0]);
      if (n > 0) {
        clearTimeout(timer);
        resolve(n);
      }
    };
    manager.stdout!.on('data', check);
    manager.once('exit', (code) => reject(new Error(`the careless manager exited (${code}): ${err}`)));
  });
  const kill = (p: number): void => {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* gone */
    }
  };
  return { manager, managerPid: manager.pid!, pid, output: () => err, kill: () => (kill(manager.pid!), kill(pid)) };
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
