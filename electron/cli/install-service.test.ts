// `vigil install-service` as a real child process: the unit it writes is one
// systemd accepts, the token is kept private and stable, and `vigil serve`
// started as the unit starts it uses that token.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { itPrivileged, type CapabilityCheck } from '../../test-support/privileged.js';
import { pickFreePort, waitFor } from '../../test-support/helpers.js';

const CLI = path.resolve(import.meta.dirname, 'vigil.ts');
const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function vigil(args: string[], env: NodeJS.ProcessEnv): { status: number | null; stdout: string; stderr: string } {
  return spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
}

const systemdAnalyze: CapabilityCheck = () => {
  try {
    accessSync('/usr/bin/systemd-analyze', constants.X_OK);
    return null;
  } catch {
    return '/usr/bin/systemd-analyze missing (Debian package systemd)';
  }
};

describe('vigil install-service', () => {
  const home = (): string => {
    const d = mkdtempSync(path.join(tmpdir(), 'vigil-unit-'));
    dirs.push(d);
    return d;
  };

  itPrivileged('writes a user unit with Delegate=yes that systemd-analyze verifies, and a private token that stays the same', systemdAnalyze, () => {
    const h = home();
    const r = vigil(['install-service', '--port', '18765', '--config', '/tmp/my config.yaml'], { XDG_CONFIG_HOME: h });
    expect(r.status, r.stderr).toBe(0);
    const unitPath = path.join(h, 'systemd/user/vigil.service');
    const unit = readFileSync(unitPath, 'utf8');
    expect(unit).toMatch(/^Delegate=yes$/m);
    expect(unit).toMatch(/^Environment=VIGIL_CGROUP_DELEGATED=1$/m);
    expect(unit).toContain(`ExecStart=${process.execPath} --lite-mode ${path.resolve(import.meta.dirname, '../../bin/vigil.mjs')} serve --port 18765 --config "/tmp/my config.yaml"`);
    const envFile = path.join(h, 'vigil/serve.env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    const token = /VIGIL_TOKEN=(\w+)/.exec(readFileSync(envFile, 'utf8'))![1]!;
    expect(r.stdout).toContain(`dashboard: http://127.0.0.1:18765/?token=${token}`);
    expect(r.stdout).toContain('systemctl --user daemon-reload && systemctl --user enable --now vigil.service');

    const v = spawnSync('/usr/bin/systemd-analyze', ['verify', unitPath], { encoding: 'utf8' });
    expect(v.status, v.stderr).toBe(0);
    expect(v.stderr).not.toMatch(/Unknown key|Invalid|Failed/i);

    // A second install keeps the token, so Prometheus and bookmarks keep working.
    expect(vigil(['install-service', '--port', '18765'], { XDG_CONFIG_HOME: h }).status).toBe(0);
    expect(readFileSync(envFile, 'utf8')).toContain(`VIGIL_TOKEN=${token}`);
  });

  it('refuses port 0 with one clear line', () => {
    const r = vigil(['install-service', '--port', '0'], { XDG_CONFIG_HOME: home() });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vigil: install-service: --port must be a fixed port (the dashboard URL and Prometheus need one)\n');
  });

  it('serve takes its token from VIGIL_TOKEN, as the unit passes it', async () => {
    const h = home();
    const port = await pickFreePort();
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--config', path.join(h, 'c.yaml'), '--state-dir', path.join(h, 's'), '--port', String(port)], {
      env: { ...process.env, VIGIL_TOKEN: 'unit-token-0123456789abcdef', VIGIL_RENDERER_DIR: h },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (err += d));
    await waitFor(() => out.includes('Vigil dashboard') || child.exitCode !== null, 120_000, 'the dashboard line').catch(() => {});
    expect(out, err).toContain(`Vigil dashboard: http://127.0.0.1:${port}/?token=unit-token-0123456789abcdef`);
    const m = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: 'Bearer unit-token-0123456789abcdef' } });
    expect(m.status).toBe(200);
  }, 180_000);
});
