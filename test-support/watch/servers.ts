// Real server processes for the watch tests, started the way users start
// them: from a shell, by a manager that never reaps its child, or by systemd
// (not here: no systemd in this VM). The fake llama-server runs under a
// `llama-server` name (a symlink to node, so comm and argv[0] say
// llama-server as a real binary's would); the real llama-server from the test
// bed runs in router mode, which needs no model.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { llamaServerPath } from '../llama/testbed.js';
import { fileURLToPath } from 'node:url';
import { FAKE_LLAMA_SERVER, pickFreePort, tempDir, waitFor } from '../helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const CARELESS_MANAGER = path.join(here, 'careless-manager.py');
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** A directory holding `name` → node, so `name fake-llama-server.mjs …` runs as a process called `name`. */
export function namedNode(name = 'llama-server', target = process.execPath): { bin: string; cleanup: () => void } {
  const t = tempDir('vigil-watch-bin-');
  const bin = path.join(t.dir, name);
  symlinkSync(target, bin);
  return { bin, cleanup: t.cleanup };
}

export const LATE_LISTENER = path.join(here, 'late-listener.py');

export interface LateListener {
  pid: number;
  port: number;
  /** Make it listen; resolves once it accepts connections. */
  listen(): Promise<void>;
  kill(): void;
}

/** late-listener.py run as `name` (python under that name): bound to a port, listening only when told. */
export async function startLateListener(name = 'llama-server'): Promise<LateListener & { cleanup: () => void }> {
  const py = namedNode(name, PYTHON);
  const port = await pickFreePort();
  const child = spawn(py.bin, [LATE_LISTENER, String(port)], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(() => out.includes('bound'), 30_000, 'the late listener to bind');
  const kill = (): void => void child.kill('SIGKILL');
  return {
    pid: child.pid!,
    port,
    listen: async () => {
      child.stdin!.write('listen\n');
      await waitForPort(port);
    },
    kill,
    cleanup: () => {
      kill();
      py.cleanup();
    },
  };
}

/** argv of the fake llama-server under a server's name. */
export const fakeServerArgv = (bin: string, port: number, extra: string[] = []): string[] => [bin, FAKE_LLAMA_SERVER, '--port', String(port), ...extra];

/** The test bed's real llama-server, or null (with the reason) when it is not built. */
export function realLlamaServer(): { bin: string } | { missing: string } {
  const found = llamaServerPath();
  if (found.path !== null) return { bin: found.path };
  if (process.env.VIGIL_REQUIRE_LLAMA_SERVER === '1') throw new Error(`VIGIL_REQUIRE_LLAMA_SERVER=1 but ${found.reason}`);
  return { missing: found.reason };
}

/** argv of the real llama-server in router mode (no model: it serves /health and lists no models). */
export function routerArgv(bin: string, port: number): string[] {
  const models = path.join(os.tmpdir(), 'vigil-watch-empty-models');
  mkdirSync(models, { recursive: true });
  return [bin, '--host', '127.0.0.1', '--port', String(port), '--models-dir', models];
}

export interface ShellStarted {
  shell: ChildProcess;
  /** pid of the server (the shell's child). */
  pid: number;
  port: number;
  kill(sig?: NodeJS.Signals): void;
}

/** Children of pid from /proc (for finding what a shell or manager started). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** `sh -c 'SERVER ARGS & wait'`: the server is the shell's child, the shell its parent (which reaps it). */
export async function startFromShell(argv: string[], port: number): Promise<ShellStarted> {
  // A session of its own, as a terminal gives: the server is in the shell's process group.
  const shell = spawn('/bin/sh', ['-c', '"$@" & wait', 'sh', ...argv], { stdio: 'ignore', detached: true });
  const pid = await waitFor(() => childPids(shell.pid!)[0], 30_000, 'the shell to start its server');
  await waitForPort(port);
  return {
    shell,
    pid,
    port,
    kill: (sig = 'SIGKILL') => {
      try {
        process.kill(pid, sig);
      } catch {
        /* gone */
      }
    },
  };
}

export interface Managed {
  manager: ChildProcess;
  managerPid: number;
  /** pid of the child it started and will never reap. */
  pid: number;
  kill(): void;
}

/** The careless manager starting `argv` (optionally inside a memory cgroup). */
export async function startCareless(argv: string[], opts: { comm?: string; cgroupProcs?: string } = {}): Promise<Managed> {
  const args = [CARELESS_MANAGER, '--comm', opts.comm ?? 'lemond', ...(opts.cgroupProcs ? ['--cgroup-procs', opts.cgroupProcs] : []), '--', ...argv];
  const manager = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  manager.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const pid = await waitFor(() => Number(out.trim().split('\n')[0]) || 0, 30_000, 'the careless manager to print its child pid');
  return {
    manager,
    managerPid: manager.pid!,
    pid,
    kill: () => {
      try {
        process.kill(manager.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    },
  };
}

/** Resolves once something accepts connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const { connect } = await import('node:net');
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        const s = connect({ host: '127.0.0.1', port }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(false));
      }),
    timeoutMs,
    `a server listening on port ${port}`,
    50,
  );
}

export { pickFreePort };

export const SCRIPTED_MANAGER = path.join(here, 'scripted-manager.py');

export interface Scripted {
  manager: ChildProcess;
  managerPid: number;
  /** Start a child (optionally inside a memory cgroup); resolves to its pid. */
  start(argv: string[], opts?: { cgroupProcs?: string }): Promise<number>;
  /** SIGTERM a child and wait for it (its exit status collected), as a manager does on a model swap. */
  stop(pid: number): Promise<void>;
  /** Close its stdin: it exits (its children live on, reparented). */
  end(): void;
  kill(): void;
}

/** scripted-manager.py under a manager's name: starts and stops servers when told; reaps after `reapAfterMs`, or never. */
export async function startScripted(opts: { comm?: string; reapAfterMs?: number; neverReap?: boolean } = {}): Promise<Scripted> {
  const args = [SCRIPTED_MANAGER, '--comm', opts.comm ?? 'llama-swap', ...(opts.neverReap ? ['--never-reap'] : ['--reap-after-ms', String(opts.reapAfterMs ?? 0)])];
  const manager = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  manager.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const children: number[] = [];
  const answer = async (prefix: string): Promise<string> => {
    const line = await waitFor(() => out.split('\n').find((l) => l.startsWith(prefix)), 10_000, `the scripted manager to answer ${prefix.trim()}`);
    out = out.replace(`${line}\n`, '');
    return line;
  };
  await waitFor(() => readFileSync(`/proc/${manager.pid}/comm`, 'utf8').trim() === (opts.comm ?? 'llama-swap'), 10_000, 'the scripted manager to name itself');
  const quote = (a: string): string => `'${a.replace(/'/g, `'\\''`)}'`;
  return {
    manager,
    managerPid: manager.pid!,
    async start(argv, o = {}) {
      manager.stdin!.write(`start ${o.cgroupProcs ? `--cgroup-procs ${quote(o.cgroupProcs)} ` : ''}-- ${argv.map(quote).join(' ')}\n`);
      const pid = Number((await answer('started ')).split(' ')[1]);
      children.push(pid);
      return pid;
    },
    async stop(pid) {
      manager.stdin!.write(`stop ${pid}\n`);
      await answer(`stopped ${pid} `);
    },
    end: () => manager.stdin!.end(),
    kill: () => {
      for (const pid of [manager.pid!, ...children])
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
    },
  };
}
