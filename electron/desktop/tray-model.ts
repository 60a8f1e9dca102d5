// What the tray shows, as plain data from the state (no Electron here), so
// the aggregate rules are testable on their own.
import { BACKEND_COMMANDS, commandAllowed, type BackendCommand } from '../common/commands.js';
import { describeExitStatus, formatClock } from '../common/format.js';
import type { BackendStatus, BackendView, VigilState } from '../common/state.js';
import { STATUS_TRAITS } from '../common/status.js';
import type { WatchedServer } from '../common/watch.js';
import { watchedDown, watchedTooltip } from './tray-watched.js';

export type TrayLevel = 'ok' | 'busy' | 'down' | 'idle';
export const TRAY_LEVELS: readonly TrayLevel[] = ['ok', 'busy', 'down', 'idle'];

/** Down if the last exit was the OOM killer and it is not back yet. */
const oomDown = (b: BackendView): boolean => b.status !== 'stopped' && !STATUS_TRAITS[b.status].serving && b.lastExit?.oomKilled === true;

/**
 * Worst state wins: down > busy > ok. Backends the user stopped are not
 * wanted, so they do not count; none wanted and nothing watched → idle. A
 * watched server that is a zombie or unhealthy is down like a backend.
 */
export function trayLevel(backends: readonly BackendView[], watched: readonly WatchedServer[] = [], pressure = false): TrayLevel {
  // The pressure guard's recommendation (nothing of Vigil's own to stop): red until it clears.
  if (pressure) return 'down';
  const wanted = backends.filter((b) => b.status !== 'stopped');
  const live = watched.filter((w) => w.status !== 'gone');
  if (wanted.length === 0 && live.length === 0) return 'idle';
  if (wanted.some((b) => STATUS_TRAITS[b.status].down || oomDown(b)) || watchedDown(live)) return 'down';
  if (wanted.some((b) => !STATUS_TRAITS[b.status].serving)) return 'busy';
  return 'ok';
}

export function trayTooltip(state: VigilState): string {
  const watched = watchedTooltip(state.watched);
  if (state.backends.length === 0) return `Vigil — no backends configured${watched ? `; ${watched}` : ''}`;
  const counts = new Map<BackendStatus, number>();
  for (const b of state.backends) counts.set(b.status, (counts.get(b.status) ?? 0) + 1);
  const parts = [...counts].map(([s, n]) => `${n} ${s}`);
  return `Vigil — ${parts.join(', ')}${watched ? `; ${watched}` : ''}`;
}

export interface TrayBackendItem {
  id: string;
  label: string;
  commands: { command: BackendCommand; enabled: boolean }[];
}

/**
 * A backend's line in the menu. A menu is not redrawn each second, so a
 * planned restart is a clock time, never a countdown; the states that need
 * a human say what holds them.
 */
export function trayLabel(b: BackendView): string {
  const exit = b.lastExit;
  const how = exit?.oomKilled ? 'OOM-killed' : exit ? describeExitStatus(exit) : null;
  if (b.status === 'backoff' && b.nextRestartAt !== null) return `${b.name}: restarting at ${formatClock(b.nextRestartAt)}${how ? ` (${how})` : ''}`;
  if (b.status === 'failed') return `${b.name}: failed, held until started${exit?.oomKilled ? ' (OOM-killed)' : ''}`;
  if (b.status === 'unhealthy') return `${b.name}: unhealthy (${b.procState === 'stopped' ? 'process stopped' : 'checks failing'})`;
  const oom = oomDown(b) ? ' (OOM-killed)' : '';
  return `${b.name}: ${b.status}${oom}`;
}

/** Each backend's submenu: every command, enabled as the command table says; Reap only while a zombie waits. */
export function trayBackendItems(backends: readonly BackendView[]): TrayBackendItem[] {
  return backends.map((b) => {
    const commands = BACKEND_COMMANDS.filter((c) => c !== 'reap' || b.awaitingReap).map((command) => ({ command, enabled: commandAllowed(command, b) }));
    return { id: b.id, label: trayLabel(b), commands };
  });
}
