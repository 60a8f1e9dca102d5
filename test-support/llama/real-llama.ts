// The real llama-server started by hand for the llama monitoring tests: on a
// free port, with its log in a file, from the test bed's binary and models
// (testbed.ts); `itRealLlama` skips with the reason where the test bed is
// missing unless VIGIL_REQUIRE_LLAMA_SERVER=1 (CI) makes that a failure.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { pickFreePort, waitFor } from '../helpers.js';
import { llamaServerPath, model, PRESETS } from './testbed.js';

export { BUILD_COMMAND } from './testbed.js';
export { itLlama as itRealLlama } from './it-llama.js';

/** The built binary (the tests that use it are defined with itRealLlama, which skips or fails where it is missing). */
export const llamaServerBinary = (): string => llamaServerPath().path ?? 'llama-server';

/** A tiny llama model (or one claiming another `general.architecture`), generated once into the test bed's cache. */
export const tinyModel = (arch = 'llama'): Promise<string> => model({ ...PRESETS.tiny, ...(arch !== 'llama' ? { arch } : {}) });

export interface RealServer {
  child: ChildProcess;
  pid: number;
  port: number;
  logPath: string;
  log(): string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  signal(sig: NodeJS.Signals): void;
  /** SIGCONT (in case it was stopped), SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts llama-server with `args` (plus --port) writing stdout and stderr into
 * `logPath`, as Vigil's supervisor does. Resolves once /health answers 200
 * unless `waitReady` is false.
 */
export async function startRealServer(args: string[], logPath: string, opts: { port?: number; waitReady?: boolean } = {}): Promise<RealServer> {
  const port = opts.port ?? (await pickFreePort());
  const fd = openSync(logPath, 'a');
  const child = spawn(llamaServerBinary(), [...args, '--port', String(port)], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const server: RealServer = {
    child,
    pid: child.pid!,
    port,
    logPath,
    log: () => readFileSync(logPath, 'utf8'),
    exited,
    signal: (sig) => {
      if (alive()) child.kill(sig);
    },
    kill: async () => {
      if (alive()) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
  if (opts.waitReady !== false) {
    const ready = waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, 30_000, 'llama-server /health 200', 50);
    const died = exited.then(() => {
      throw new Error(`llama-server exited before it was ready:\n${server.log().slice(-2000)}`);
    });
    died.catch(() => {});
    try {
      await Promise.race([ready, died]);
    } catch (e) {
      await server.kill();
      throw e;
    }
  }
  return server;
}
