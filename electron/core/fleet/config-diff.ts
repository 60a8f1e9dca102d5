// What a new config means for the running fleet, decided without touching
// it: which backends go, which are new, and which changed in a way only a
// restart applies (what the process is started with). Everything else —
// health, restart policy, stop, name — applies to the running backend as is.
import type { BackendConfig, VigilConfig } from '../../common/config-schema.js';

export interface FleetChanges {
  removed: string[];
  added: BackendConfig[];
  changed: { config: BackendConfig; restart: boolean }[];
}

/** Fields a running process was started with. */
const startedWith = (c: BackendConfig): string => JSON.stringify([c.cmd, c.env, c.cwd, c.port, c.memoryLimit]);

export function needsRestart(before: BackendConfig, after: BackendConfig): boolean {
  return startedWith(before) !== startedWith(after);
}

export function diffBackends(before: ReadonlyMap<string, BackendConfig>, after: ReadonlyMap<string, BackendConfig>): FleetChanges {
  const changes: FleetChanges = { removed: [], added: [], changed: [] };
  for (const id of before.keys()) if (!after.has(id)) changes.removed.push(id);
  for (const [id, config] of after) {
    const was = before.get(id);
    if (!was) changes.added.push(config);
    else changes.changed.push({ config, restart: needsRestart(was, config) });
  }
  return changes;
}

/** The config file's backends, each with its id. */
export function backendsOf(config: VigilConfig | null): Map<string, BackendConfig> {
  return new Map(Object.entries(config?.backends ?? {}).map(([id, b]) => [id, { ...b, id }]));
}
