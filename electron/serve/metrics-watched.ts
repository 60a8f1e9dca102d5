// Prometheus gauges for the servers Vigil did not start. Their pids change
// at every restart, so a series is named by what stays: the systemd unit,
// else the server's label and port, else its name and pid (a server with
// neither). Servers gone (exited and reaped) are not exported: the number
// of series follows the servers on the machine, not their history.
import type { Gauge } from 'prom-client';
import type { WatchedServer } from '../common/watch.js';

export interface WatchedGauges {
  up: Gauge<'server' | 'kind'>;
  zombie: Gauge<'server'>;
  orphaned: Gauge<'server'>;
  gpu: Gauge<'server' | 'device' | 'region'>;
}

/** The `server` label of a watched server: 'ollama.service', 'llama-server:8080', 'llama-server:41233'. */
export function watchedSeriesName(s: WatchedServer): string {
  if (s.unit) return s.unit.name;
  const port = s.listen[0]?.port;
  return port !== undefined ? `${s.label}:${port}` : `${s.comm}:${s.pid}`;
}

export function collectWatched(g: WatchedGauges, watched: readonly WatchedServer[]): void {
  const seen = new Set<string>();
  for (const s of watched) {
    if (s.status === 'gone') continue;
    let server = watchedSeriesName(s);
    // Two processes of one unit (a manager and its worker): each keeps a series of its own.
    if (seen.has(server)) server = `${server}:${s.pid}`;
    seen.add(server);
    g.up.set({ server, kind: s.kind }, s.status === 'running' || s.status === 'orphaned' ? 1 : 0);
    g.zombie.set({ server }, s.status === 'zombie' ? 1 : 0);
    g.orphaned.set({ server }, s.status === 'orphaned' ? 1 : 0);
    for (const d of s.memory?.gpu ?? []) {
      g.gpu.set({ server, device: d.device, region: 'vram' }, d.vram);
      g.gpu.set({ server, device: d.device, region: 'gtt' }, d.gtt);
    }
  }
}
