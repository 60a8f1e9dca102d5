import type { BackendStatus, BackendView, OomKill, OomKiller } from '../../electron/common/state.js';
import { formatClock } from '../../electron/common/format.js';
export { formatClock };
/** Local 'YYYY-MM-DD HH:MM:SS', for timelines that span days. */
export declare function formatDateTime(ms: number): string;
export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';
/** Colour family of a status; the badge always shows the text too (not colour alone). */
export declare function statusTone(status: BackendStatus): Tone;
export type Aggregate = {
    tone: Tone;
    text: string;
};
/**
 * The header's one-glance summary of all backends: the worst tone, and every
 * kind of trouble counted ('1 down, 2 degraded of 4'), so one failed backend
 * does not hide two others that are not serving either.
 */
export declare function aggregateStatus(backends: readonly Pick<BackendView, 'status'>[]): Aggregate;
export declare function killerLabel(k: OomKiller): string;
/** Whole-array filter for the log search: case-insensitive substring, empty matches all. */
export declare function matchesFilter(text: string, filter: string): boolean;
/**
 * The OOM kills that concern this machine's backends: a kill of a backend's
 * process, or a system-wide kill (memory ran out for everyone). A kill inside
 * another program's memory cgroup was that program's own limit: listed, not
 * counted, so the tab's number is not read as kills of your backends.
 */
export declare function oomCounts(ooms: readonly Pick<OomKill, 'backend' | 'scope'>[]): {
    concern: number;
    other: number;
};
