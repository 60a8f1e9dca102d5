// llama-swap: `models.<id>.cmd` is the whole command line of a server it
// starts (each in its own process group); GET /running lists what it
// believes runs: `running[]` of `{ model, state, cmd, proxy, ttl, name }`,
// state being starting, ready, stopping, stopped or shutdown.
import type { ManagerClaim } from '../../../common/watch.js';
import { field, list, str, urlPort } from './json.js';
import { serverPorts, type ManagerAdapter, type ManagerReading } from './types.js';

const ALIVE = new Set(['starting', 'ready']);

export function readRunning(body: unknown): ManagerReading | null {
  const running = field(body, 'running');
  if (!Array.isArray(running)) return null;
  const claims: ManagerClaim[] = [];
  for (const r of list(running)) {
    const model = str(field(r, 'model'));
    if (!model) continue;
    const state = str(field(r, 'state')) ?? 'unknown';
    claims.push({ model, state, alive: ALIVE.has(state), pid: null, port: urlPort(str(field(r, 'proxy'))), exitCode: null, failed: false, says: state });
  }
  return { claims, available: [] };
}

export const llamaSwap: ManagerAdapter = {
  name: 'llama-swap',
  path: '/running',
  defaultPort: 8080,
  is: (v) => v.kind === 'llama-swap',
  read: readRunning,
  claimOf(s, claims) {
    const ports = serverPorts(s);
    return claims.find((c) => c.port !== null && ports.includes(c.port)) ?? null;
  },
};
