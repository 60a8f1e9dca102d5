// Where Vigil keeps its config and state, following the XDG base directories.
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

type Env = Record<string, string | undefined>;

/** `--config <path>` / `--config=<path>`, then VIGIL_CONFIG, then $XDG_CONFIG_HOME/vigil/config.yaml, then ~/.config/vigil/config.yaml. */
export function resolveConfigPath(argv: readonly string[] = process.argv, env: Env = process.env, home = os.homedir()): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--config' && argv[i + 1]) return path.resolve(argv[i + 1]!);
    if (a.startsWith('--config=') && a.length > '--config='.length) return path.resolve(a.slice('--config='.length));
  }
  if (env.VIGIL_CONFIG) return path.resolve(env.VIGIL_CONFIG);
  // XDG says relative values are invalid and must be ignored.
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return path.join(base, 'vigil', 'config.yaml');
}

/** $XDG_STATE_HOME/vigil, else ~/.local/state/vigil (VIGIL_STATE_DIR overrides, for tests and `serve`). */
export function resolveStateDir(env: Env = process.env, home = os.homedir()): string {
  if (env.VIGIL_STATE_DIR) return path.resolve(env.VIGIL_STATE_DIR);
  const base = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : path.join(home, '.local', 'state');
  return path.join(base, 'vigil');
}

export function logsDir(stateDir: string): string {
  return path.join(stateDir, 'logs');
}

export function backendLogPath(stateDir: string, id: string): string {
  return path.join(logsDir(stateDir), `${id}.log`);
}

/** mkdir -p that throws the real cause: a recursive mkdir under a read-only mount says ENOENT, not EROFS. */
export function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') mkdirSync(dir);
    throw e;
  }
}
