// Where the CLI finds the built renderer and package.json, both when built
// (out/main/cli.js) and in development (electron/cli/vigil.ts via tsx):
// either way they sit two directories up from this module's directory.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = import.meta.dirname;
const root = path.resolve(here, '..', '..');

export function defaultRendererDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.VIGIL_RENDERER_DIR ? path.resolve(env.VIGIL_RENDERER_DIR) : path.join(root, 'out', 'renderer');
}

export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** bin/vigil.mjs of this installation: what a systemd unit runs. */
export function binPath(): string {
  return path.join(root, 'bin', 'vigil.mjs');
}
