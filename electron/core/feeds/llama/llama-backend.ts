// Which backends are llama-servers, and what Vigil needs from their command
// line to talk to them. Read from the config only: the command line is the
// user's and is never changed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isLlamaServerCommand, lastFlagValue } from '../../llama/command-line.js';
import type { SupervisedBackendConfig } from '../../supervisor/types.js';

/** `llama: true|false` in the config decides; unset, a command whose program is named llama-server is one. */
export function isLlamaBackend(cfg: SupervisedBackendConfig): boolean {
  return isLlamaServerCommand(cfg.cmd, cfg.llama);
}

const flag = (argv: readonly string[], name: string): string | null => lastFlagValue(argv.slice(1), name);

/**
 * An API key the server was started with (`--api-key`, `--api-key-file`, or
 * their environment variables), so /slots, /metrics and the generation probe
 * are let in; null when it has none or the key file cannot be read.
 */
export function apiKeyOf(cfg: SupervisedBackendConfig, env: NodeJS.ProcessEnv = process.env): string | null {
  const all = { ...env, ...cfg.env };
  // Several keys, comma-separated; any one will do.
  const keys = flag(cfg.cmd, '--api-key') ?? all.LLAMA_API_KEY;
  if (keys) return keys.split(',').map((k) => k.trim()).find((k) => k !== '') ?? null;
  const file = flag(cfg.cmd, '--api-key-file') ?? all.LLAMA_ARG_API_KEY_FILE;
  if (!file) return null;
  try {
    // One key a line; '#' starts a comment line.
    const text = readFileSync(path.resolve(cfg.cwd ?? process.cwd(), file), 'utf8');
    return text.split('\n').map((l) => l.replace(/\r$/, '')).find((l) => l !== '' && !l.startsWith('#')) ?? null;
  } catch {
    return null;
  }
}
