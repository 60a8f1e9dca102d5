// `npm start` as the user runs it, on this machine (no Electron binary, no
// network for it): one line saying so, then the headless host with a URL;
// SIGTERM reaches the host and everything exits.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const START = path.resolve(import.meta.dirname, 'start.mjs');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function runStart(args: string[], env: NodeJS.ProcessEnv): Promise<{ out: string; err: string; code: number | null }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-start-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'c.yaml'), 'backends: {}\n');
  const base = { ...process.env };
  delete base.DISPLAY;
  delete base.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, [START, ...args], { env: { ...base, VIGIL_CONFIG: path.join(dir, 'c.yaml'), VIGIL_STATE_DIR: path.join(dir, 's'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  const end = Date.now() + 90_000;
  while (!/Vigil dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(out)) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`no dashboard URL; stderr: ${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /(http:\S+)/.exec(out)![1]!;
  expect((await fetch(url)).status).toBe(200);
  child.kill('SIGTERM');
  return { out, err, code: await exited };
}

describe('scripts/start.mjs', () => {
  it('--headless serves the dashboard and stops on SIGTERM', async () => {
    const r = await runStart(['--headless'], {});
    expect(r.code).toBe(0);
  }, 120_000);

  it('without a display (or Electron binary) says so in one line and runs the headless host', async () => {
    const r = await runStart([], {});
    const lines = r.err.split('\n').filter((l) => l.startsWith('vigil start:') && !/building/.test(l));
    expect(lines).toEqual(['vigil start: no display (DISPLAY/WAYLAND_DISPLAY unset): starting the headless host instead']);
    expect(r.code).toBe(0);
  }, 120_000);

  it('with a display but no Electron binary here, says so in one line and falls back', async () => {
    // An empty PATH dir for xdg-open keeps a real browser from opening; node is run by absolute path.
    const r = await runStart([], { DISPLAY: ':99', PATH: '/nonexistent' });
    const lines = r.err.split('\n').filter((l) => /Electron/.test(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^vigil start: Electron is not available \(.+\): starting the headless host instead$/);
    expect(r.code).toBe(0);
  }, 120_000);
});
