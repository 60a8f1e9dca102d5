// llama.cpp's router mode: `llama-server --models-dir DIR` (or
// `--models-preset INI`) runs each model as a child `llama-server --host
// 127.0.0.1 --port N --alias NAME …`. Its GET /models lists every model it
// can load with `status.value` (loaded, loading, unloaded, sleeping …),
// `status.args` (the child's arguments) and, after a child's death,
// `exit_code` and `failed` — where a SIGKILL reads "exited with status 1".
import type { ManagerClaim } from '../../../common/watch.js';
import { flagValue } from '../catalog.js';
export { isRouterArgv } from '../catalog.js';
import { field, list, num, str, strings } from './json.js';
import { argvPort, serverPorts, type ManagerAdapter, type ManagerReading } from './types.js';

/** States in which the router has a child process for the model. */
const ALIVE = new Set(['loading', 'loaded', 'sleeping']);

export function readRouterModels(body: unknown): ManagerReading | null {
  const data = field(body, 'data');
  if (!Array.isArray(data)) return null;
  const claims: ManagerClaim[] = [];
  const available: string[] = [];
  for (const d of list(data)) {
    const id = str(field(d, 'id'));
    if (!id) continue;
    available.push(id);
    const status = field(d, 'status');
    const value = str(field(status, 'value')) ?? 'unknown';
    const exitCode = num(field(status, 'exit_code'));
    const failed = field(status, 'failed') === true;
    const args = strings(field(status, 'args'));
    const says = failed ? `exited with status ${exitCode ?? '?'}` : value;
    claims.push({ model: id, state: value, alive: ALIVE.has(value) && !failed, pid: null, port: argvPort(args), exitCode, failed, says });
  }
  return { claims, available };
}

/** A router child's alias: the router's name for its model. */
export const aliasOf = (argv: readonly string[]): string | null => flagValue(argv, '--alias', '-a');

export const router: ManagerAdapter = {
  name: 'the router',
  path: '/models',
  defaultPort: 8080,
  is: (v) => v.kind === 'llama-router',
  read: readRouterModels,
  nameOf: (s) => aliasOf(s.cmdline),
  claimOf(s, claims) {
    const alias = aliasOf(s.cmdline);
    if (alias !== null) {
      const byName = claims.find((c) => c.model === alias);
      if (byName) return byName;
    }
    const ports = serverPorts(s);
    return claims.find((c) => c.port !== null && ports.includes(c.port)) ?? null;
  },
};
