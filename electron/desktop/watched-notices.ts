// Desktop notices for servers Vigil did not start, from their journal
// events: a zombie its manager has not reaped, an orphan its manager left
// running, an OOM kill, an unhealthy server, and an exit nobody asked for (a stop from Vigil is not news). An
// OOM kill in the same batch explains the exit: one notice, not two.
import { formatKb } from '../common/format.js';
import type { VigilEvent } from '../common/state.js';
import type { WatchEventKind } from '../common/watch.js';

export type WatchedNoticeKind = 'watched-zombie' | 'watched-orphaned' | 'watched-oom' | 'watched-unhealthy' | 'watched-exit';

export interface WatchedNotice {
  kind: WatchedNoticeKind;
  /** Rate-limit key: one server and kind. */
  key: string;
  title: string;
  body: string;
}

interface WatchDetails {
  watched?: string;
  event?: WatchEventKind;
  label?: string;
  requested?: boolean;
}

const detailsOf = (e: VigilEvent): WatchDetails => (e.details ?? {}) as WatchDetails;

export function watchedNotices(events: readonly VigilEvent[]): WatchedNotice[] {
  const out: WatchedNotice[] = [];
  const oomFor = new Set(events.filter((e) => e.kind === 'oom' && detailsOf(e).watched).map((e) => detailsOf(e).watched));
  for (const e of events) {
    const d = detailsOf(e);
    if (!d.watched || (e.kind !== 'watch' && e.kind !== 'oom')) continue;
    const name = `${d.label ?? 'server'} ${e.pid ?? ''}`.trim();
    const key = (k: WatchedNoticeKind): string => `${d.watched}:${k}`;
    if (e.kind === 'oom') {
      const rss = e.oom?.anonRssKb ?? e.oom?.rssKb ?? null;
      const w = e.oom?.watched;
      // A server of a watched manager that Vigil never watched itself is named as the manager's.
      const title = w && w.by !== 'pid' ? `The OOM killer took ${w.text}` : `${name} was killed by the OOM killer`;
      out.push({ kind: 'watched-oom', key: key('watched-oom'), title, body: `not started by Vigil${rss !== null ? `; anon RSS at death ${formatKb(rss)}` : ''}` });
    } else if (d.event === 'zombie') {
      out.push({ kind: 'watched-zombie', key: key('watched-zombie'), title: `${name} is a zombie`, body: e.reason });
    } else if (d.event === 'orphaned') {
      out.push({ kind: 'watched-orphaned', key: key('watched-orphaned'), title: `${name} is orphaned`, body: e.reason });
    } else if (d.event === 'unhealthy') {
      out.push({ kind: 'watched-unhealthy', key: key('watched-unhealthy'), title: `${name} is unhealthy`, body: e.reason });
    } else if (d.event === 'exited' && !d.requested && !oomFor.has(d.watched)) {
      out.push({ kind: 'watched-exit', key: key('watched-exit'), title: `${name} exited`, body: 'not started by Vigil: its exit status goes to its parent; the kernel log or its systemd unit may say why' });
    }
  }
  return out;
}
