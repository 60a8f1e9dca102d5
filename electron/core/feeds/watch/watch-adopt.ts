// "Adopt" a watched server: the backend entry that runs the same command
// line under Vigil. The entry is what a user would write: the argv (its
// program by full path when the server found it through a PATH Vigil may not
// have), its working directory, only the environment variables that differ
// from Vigil's own (not a copy of a whole login environment), the port it
// served on, and the health path its kind answers on (a user's rule promises
// no ready answer, so its adopted backend is judged alive by its process).
import path from 'node:path';
import type { WatchedServer } from '../../../common/watch.js';
import type { AdoptionSpec } from '../../watch/index.js';

/** Variables a shell sets per process: never worth carrying over. */
const SHELL_NOISE = new Set(['_', 'PWD', 'OLDPWD', 'SHLVL']);
const MAX_ID = 64;

/** A backend id from the server's label and port: 'llama-server-8080', unique among `taken`. */
export function adoptedId(server: Pick<WatchedServer, 'label' | 'comm'>, port: number | null, taken: ReadonlySet<string>): string {
  const slug = (server.label || server.comm)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|-+$/g, '');
  const base = `${slug || 'server'}${port !== null ? `-${port}` : ''}`.slice(0, MAX_ID - 3);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The environment variables of the server that Vigil's own environment lacks or sets differently. */
export function envDifference(theirs: Readonly<Record<string, string>> | null, ours: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(theirs ?? {})) if (!SHELL_NOISE.has(k) && ours[k] !== v) out[k] = v;
  return out;
}

/** argv with its program named by full path when the server ran a bare name its own PATH resolved. */
export function resolvedArgv(argv: readonly string[], exe: string | null): string[] {
  const first = argv[0] ?? '';
  const ownExe = exe?.replace(/ \(deleted\)$/, '') ?? null;
  if (first.includes('/') || !ownExe || path.posix.basename(ownExe) !== first) return [...argv];
  return [ownExe, ...argv.slice(1)];
}

/** The backend config (as the config file would hold it) that runs the adopted server. */
export function adoptedBackend(server: WatchedServer, spec: AdoptionSpec, ownEnv: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const env = envDifference(spec.env, ownEnv);
  return {
    name: `${server.label}${spec.port !== null ? ` :${spec.port}` : ''} (adopted)`,
    cmd: resolvedArgv(spec.argv, server.exe),
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(spec.port !== null ? { port: spec.port } : {}),
    // A catalog server's health path answers 200 once it serves; a rule's path only promises an answer below 500.
    health: { path: spec.port !== null && spec.health !== null && server.kind !== 'rule' ? spec.health : 'none' },
    autostart: true,
  };
}
