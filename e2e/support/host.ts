// Starts the real headless host (`node out/main/cli.js serve`) with a temp
// config and state dir, and hands its URL (with token) to a spec.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { CLI, ROOT } from './global-setup.js';

export const FAKE_LLAMA = path.join(ROOT, 'e2e', 'fixtures', 'fake-llama-server.mjs');

export interface Host {
  /** Page URL as the host printed it, including `?token=…`. */
  url: string;
  origin: string;
  token: string;
  configPath: string;
  stateDir: string;
  /** Everything the host wrote so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

/** A backend running the fake llama-server fixture; extra flags go after --port. */
export function fakeLlama(flags: string[] = [], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cmd: [process.execPath, FAKE_LLAMA, '--port', '${PORT}', ...flags],
    port: 'auto',
    health: { path: '/health' },
    ...extra,
  };
}

export async function startHost(backends: Record<string, Record<string, unknown>>, timeoutMs = 60_000): Promise<Host> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-e2e-'));
  const configPath = path.join(dir, 'vigil.yaml');
  const stateDir = path.join(dir, 'state');
  writeFileSync(configPath, stringify({ version: 1, backends }));
  // VIGIL_E2E_HOST runs another host entry (a .ts file, via tsx) with the same CLI, e.g. from source.
  const entry = process.env.VIGIL_E2E_HOST ? ['--import', 'tsx', process.env.VIGIL_E2E_HOST] : [CLI];
  const child: ChildProcess = spawn(process.execPath, [...entry, 'serve', '--port', '0', '--config', configPath, '--state-dir', stateDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigil serve printed no URL within ${timeoutMs} ms; output:\n${out}`)), timeoutMs);
    const check = (): void => {
      const m = /https?:\/\/[^\s"']+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`vigil serve exited (${code ?? sig}) before printing a URL; output:\n${out}`));
    });
  });
  const u = new URL(url);
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, origin: u.origin, token: u.searchParams.get('token') ?? '', configPath, stateDir, output: () => out, stop };
}
