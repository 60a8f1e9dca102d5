// The tray's side of watched servers (servers Vigil did not start), as plain
// data: whether one is in trouble (a zombie or unhealthy one turns the icon
// red like a down backend), a tooltip part, and each one's menu with the
// same actions the dashboard offers (offeredWatchActions), their
// confirmation questions, and the zombie's note where a Reap would be.
import { offeredWatchActions, watchedProblems, watchedZombieNote, type WatchActionName, type WatchStatus, type WatchedServer } from '../common/watch.js';

export interface TrayWatchedAction {
  action: WatchActionName;
  label: string;
  enabled: boolean;
  /** Why it is disabled, or what it does. */
  why: string;
  /** Asked before the action runs. */
  confirm: string | null;
}

export interface TrayWatchedItem {
  id: string;
  label: string;
  actions: TrayWatchedAction[];
  /** A line shown disabled in the submenu (a zombie: who can reap it). */
  note: string | null;
}

const ACTION_LABEL: Record<WatchActionName, string> = { stop: 'Stop', restart: 'Restart unit', adopt: 'Adopt' };

/** Watched servers that count for the icon: a zombie, an orphan or an unhealthy one is down. */
export const watchedDown = (watched: readonly WatchedServer[]): boolean => watched.some((w) => w.status === 'zombie' || w.status === 'orphaned' || w.status === 'unhealthy');

/** 'watched: 1 running, 1 zombie'; null when none is watched (gone ones are history, their recent OOM kills are not). */
export function watchedTooltip(watched: readonly WatchedServer[], now = Date.now()): string | null {
  const counts = new Map<WatchStatus, number>();
  for (const w of watched) if (w.status !== 'gone') counts.set(w.status, (counts.get(w.status) ?? 0) + 1);
  const ooms = watchedProblems(watched, now).recentOoms;
  if (counts.size === 0 && ooms === 0) return null;
  const parts = [...counts].map(([s, n]) => `${n} ${s}`);
  if (ooms) parts.push(`${ooms} OOM ${ooms === 1 ? 'kill' : 'kills'} lately`);
  return `watched: ${parts.join(', ')}`;
}

export function trayWatchedItems(watched: readonly WatchedServer[], uid: number): TrayWatchedItem[] {
  return watched
    .filter((w) => w.status !== 'gone')
    .map((w) => ({
      id: w.id,
      label: `${w.label} ${w.pid}: ${w.status === 'orphaned' && w.orphanedFrom ? `orphaned from ${w.orphanedFrom.manager.comm} ${w.orphanedFrom.manager.pid}` : w.status}${w.lastOom ? ' (OOM-killed)' : ''}`,
      actions: offeredWatchActions(w, { uid }).map((a) => ({ action: a.action, label: ACTION_LABEL[a.action], enabled: a.available, why: a.why, confirm: a.confirm })),
      note: watchedZombieNote(w),
    }));
}
