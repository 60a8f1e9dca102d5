// lemond (lemonade): spawns `llama-server -m … --port 8001+ …` in its own
// process group and polls it every 5 s (its watchdog). GET /api/v1/health
// lists each loaded model in `all_models_loaded[]` with `model_name`, `pid`,
// `backend_url`, `launch_command`, `backend_alive`, `backend_health`.
import type { ManagerClaim } from '../../../common/watch.js';
import { field, list, num, str, urlPort } from './json.js';
import { serverPorts, type ManagerAdapter, type ManagerReading } from './types.js';

export function readHealth(body: unknown): ManagerReading | null {
  const loaded = field(body, 'all_models_loaded');
  if (!Array.isArray(loaded)) return null;
  const claims: ManagerClaim[] = [];
  for (const m of list(loaded)) {
    const model = str(field(m, 'model_name'));
    if (!model) continue;
    const pid = num(field(m, 'pid'));
    const alive = field(m, 'backend_alive') !== false;
    const health = str(field(m, 'backend_health'));
    const state = str(field(m, 'status')) ?? 'loaded';
    const says = `${alive ? 'backend alive' : 'backend not alive'}${pid !== null ? ` (pid ${pid})` : ''}${health ? `, health ${health}` : ''}`;
    claims.push({ model, state, alive, pid: pid !== null && pid > 0 ? pid : null, port: urlPort(str(field(m, 'backend_url'))), exitCode: null, failed: false, says });
  }
  return { claims, available: [] };
}

export const lemonade: ManagerAdapter = {
  name: 'lemond',
  path: '/api/v1/health',
  defaultPort: 8000,
  is: (v) => v.kind === 'lemonade',
  read: readHealth,
  claimOf(s, claims) {
    const byPid = claims.find((c) => c.pid === s.pid);
    if (byPid) return byPid;
    const ports = serverPorts(s);
    return claims.find((c) => c.pid === null && c.port !== null && ports.includes(c.port)) ?? null;
  },
};
