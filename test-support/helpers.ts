// Shared helpers for core tests: temp dirs that clean up, polling waits,
// and running the fake llama-server as a child.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickFreePort } from '../electron/core/ports.js';
export { pickFreePort };

const here = path.dirname(fileURLToPath(import.meta.url));
export const FAKE_LLAMA_SERVER = path.resolve(here, '../e2e/fixtures/fake-llama-server.mjs');

/** A fresh temp dir and its cleanup. */
export function tempDir(prefix = 'vigil-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Polls `predicate` until it returns truthy; rejects with `what` after `timeoutMs`.
 * The deadline only bounds a failure: it is generous, as a loaded machine needs.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, timeoutMs = 30_000, what = 'condition', everyMs = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await predicate();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface FakeServer {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  /** Resolves with [code, signal] once the child exited. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  kill(sig?: NodeJS.Signals): void;
}

/** Starts the fake llama-server on a free port (child_process: fine here, no supervisor involved). */
export async function startFakeServer(args: string[] = [], port?: number): Promise<FakeServer> {
  const p = port ?? (await pickFreePort());
  const child = spawn(process.execPath, [FAKE_LLAMA_SERVER, '--port', String(p), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  return {
    child,
    port: p,
    url: `http://127.0.0.1:${p}`,
    output: () => out,
    exited,
    kill: (sig = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
}
