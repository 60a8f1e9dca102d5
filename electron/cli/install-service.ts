// `vigil install-service`: a systemd user unit that runs `vigil serve` at
// login. Delegate=yes hands the unit's cgroup to Vigil, so per-backend memory
// limits work on cgroup v2 desktops without root (see core/cgroup/delegate.ts).
// KillMode=process: stopping the unit stops Vigil, which stops its backends
// itself and leaves those marked keepRunningOnQuit for the next start to adopt.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const UNIT_NAME = 'vigil.service';
/**
 * Node flags of the service. An idle monitor gains nothing from V8's
 * optimizing compilers; --lite-mode leaves them (and their code pages) out
 * and keeps the young generation small, about 11 MiB less resident for the
 * same idle CPU (BENCHMARKS.md, host).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--lite-mode'];
export const DEFAULT_SERVICE_PORT = 8765;

export interface UnitOptions {
  node: string;
  /** bin/vigil.mjs of this installation. */
  cli: string;
  port: number;
  envFile: string;
  config?: string;
}

export function serviceUnit(o: UnitOptions): string {
  const args = ['serve', '--port', String(o.port), ...(o.config ? ['--config', o.config] : [])];
  return `[Unit]
Description=Vigil: monitor and supervisor for local LLM servers (headless)
After=default.target

[Service]
Type=simple
ExecStart=${[o.node, ...SERVICE_NODE_FLAGS, o.cli, ...args].map(quoteUnitArg).join(' ')}
EnvironmentFile=${quoteUnitArg(o.envFile)}
Environment=VIGIL_CGROUP_DELEGATED=1
Delegate=yes
KillMode=process
TimeoutStopSec=60
Restart=on-failure
RestartSec=2s

[Install]
WantedBy=default.target
`;
}

/** systemd's command-line quoting: double quotes around words with spaces, backslash before quotes and backslashes. */
function quoteUnitArg(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

export interface InstallResult {
  unitPath: string;
  envFile: string;
  url: string;
}

/** Write the unit and (once) the token file; returns where and the dashboard URL. */
export function writeService(env: NodeJS.ProcessEnv, o: { cli: string; port: number; config?: string }): InstallResult {
  const configHome = env.XDG_CONFIG_HOME || path.join(env.HOME || os.homedir(), '.config');
  const unitDir = path.join(configHome, 'systemd', 'user');
  const envFile = path.join(configHome, 'vigil', 'serve.env');
  mkdirSync(unitDir, { recursive: true });
  mkdirSync(path.dirname(envFile), { recursive: true });
  // The token stays stable across restarts (Prometheus and bookmarks keep working) and out of the command line, which every user can read.
  let token = existsSync(envFile) ? /^VIGIL_TOKEN=(\S+)$/m.exec(readFileSync(envFile, 'utf8'))?.[1] : undefined;
  if (!token) {
    token = randomBytes(24).toString('hex');
    writeFileSync(envFile, `VIGIL_TOKEN=${token}\n`, { mode: 0o600 });
  }
  const unitPath = path.join(unitDir, UNIT_NAME);
  writeFileSync(unitPath, serviceUnit({ node: process.execPath, cli: o.cli, port: o.port, envFile, ...(o.config ? { config: o.config } : {}) }));
  return { unitPath, envFile, url: `http://127.0.0.1:${o.port}/?token=${token}` };
}

/** `systemctl --user daemon-reload` and `enable --now`; the first error is returned as text. */
export function enableService(): string | null {
  for (const args of [['--user', 'daemon-reload'], ['--user', 'enable', '--now', UNIT_NAME]]) {
    const r = spawnSync('systemctl', args, { encoding: 'utf8' });
    if (r.error) return `cannot run systemctl: ${r.error.message}`;
    if (r.status !== 0) return `systemctl ${args.join(' ')} failed: ${(r.stderr || r.stdout).trim()}`;
  }
  return null;
}
