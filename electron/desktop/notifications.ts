// Desktop notifications from state diffs: OOM kill, crash, restart limit
// reached, a hung backend, early memory warning, recovery, and the watched
// servers' trouble (watched-notices.ts). One per backend+kind per
// interval, so a crash loop does not flood the desktop. Clicking one opens
// the dashboard on that backend. Notification is injected (tests use a fake).
import type { NotificationConstructorOptions, Notification as NotificationT } from 'electron';
import { formatClock, formatCountdown, formatKb } from '../common/format.js';
import type { BackendView, VigilEvent, VigilState } from '../common/state.js';
import { STATUS_TRAITS } from '../common/status.js';
import { watchedNotices, type WatchedNoticeKind } from './watched-notices.js';

export type NoticeKind = 'oom' | 'crash' | 'failed' | 'unhealthy' | 'warning' | 'recovered' | 'guard' | WatchedNoticeKind;

export interface NotifierDeps {
  Notification: new (opts: NotificationConstructorOptions) => NotificationT;
}

export interface NotifierOptions {
  onClick(backendId: string | null): void;
  /** Per backend+kind (default 30 s). */
  minIntervalMs?: number;
  now?: () => number;
}

export interface Notice {
  kind: NoticeKind;
  backend: string | null;
  title: string;
  body: string;
  /**
   * Set for an exit or OOM kill of this pid: what the supervisor does next is
   * added to the body. The snapshot that carries an exit already shows the
   * transition it led to (the supervisor publishes both in one store batch;
   * exit-notices-real.test.ts), so the step is read from it at once.
   */
  afterExitOf?: number | null;
  /** Rate-limit key when not backend+kind (a watched server's). */
  key?: string;
}

export interface Notifier {
  update(state: VigilState): void;
}

/** What the supervisor will do next, from the backend's view now. */
function nextStep(b: BackendView | undefined, now: number): string {
  if (!b) return '';
  if (b.status === 'failed') return 'held: restart limit reached';
  // A notification stays in the tray's list: the clock time stays true, the countdown is for the moment it pops up.
  if (b.status === 'backoff' && b.nextRestartAt !== null) return `restarting at ${formatClock(b.nextRestartAt)} (in ${formatCountdown(b.nextRestartAt - now)})`;
  // A new process is up or coming up (an unhealthy one is no news of a restart).
  if (STATUS_TRAITS[b.status].live && !STATUS_TRAITS[b.status].down) return 'restarted';
  if (b.restartPolicy === 'never' || b.status === 'exited') return `not restarting (restart policy: ${b.restartPolicy})`;
  return `restart policy: ${b.restartPolicy}`;
}

/** The notices a batch of new events (and new alerts) call for; pure. */
export function noticesFor(events: readonly VigilEvent[], state: VigilState, newAlerts: VigilState['alerts'], crashed: Set<string>): Notice[] {
  const byId = new Map(state.backends.map((b) => [b.id, b]));
  const out: Notice[] = [];
  // An OOM event in the same batch explains the exit: say OOM, not crash.
  const oomIn = new Set(events.filter((e) => e.kind === 'oom' && e.backend).map((e) => e.backend));
  for (const e of events) {
    const b = e.backend ? byId.get(e.backend) : undefined;
    const name = b?.name ?? e.backend ?? 'a process';
    if (e.kind === 'guard') {
      // The pressure guard says why in numbers: a stop it made, or the watched server it recommends stopping.
      const stopped = e.backend !== null && !e.reason.startsWith('could not');
      out.push({ kind: 'guard', backend: e.backend, title: stopped ? `Vigil stopped ${name} under memory pressure` : 'Memory pressure', body: e.reason });
    } else if (e.kind === 'oom' && e.backend) {
      crashed.add(e.backend);
      const kill = e.oom ?? e.exit?.oom ?? null;
      const rss = kill?.anonRssKb ?? kill?.rssKb ?? null;
      if (kill?.kind === 'gpu') out.push({ kind: 'oom', backend: e.backend, title: `${name} ran out of GPU memory`, body: kill.gpu?.summary ?? e.reason, afterExitOf: e.pid });
      else out.push({ kind: 'oom', backend: e.backend, title: `${name} was killed by the OOM killer`, body: rss !== null ? `anon RSS at death ${formatKb(rss)}` : '', afterExitOf: e.pid });
    } else if (e.kind === 'exit' && e.backend && e.exit && !e.exit.oomKilled && !oomIn.has(e.backend) && !e.reason.startsWith('reaped')) {
      // An exit while stopping, or after the user's stop, is not a crash.
      if (b?.status === 'stopped' || b?.status === 'stopping') continue;
      crashed.add(e.backend);
      out.push({ kind: 'crash', backend: e.backend, title: `${name} crashed`, body: e.exit.reason, afterExitOf: e.pid });
    } else if (e.kind === 'transition' && e.backend && e.to === 'failed') {
      out.push({ kind: 'failed', backend: e.backend, title: `${name} is held`, body: e.reason || 'restart limit reached' });
    } else if (e.kind === 'transition' && e.backend && e.to === 'unhealthy' && (e.from === 'ready' || e.from === 'loading')) {
      // A hung backend serves nothing although its process lives: as worth knowing as a crash.
      crashed.add(e.backend);
      out.push({ kind: 'unhealthy', backend: e.backend, title: `${name} is not answering`, body: e.reason });
    } else if (e.kind === 'transition' && e.backend && e.to === 'ready' && crashed.has(e.backend)) {
      crashed.delete(e.backend);
      out.push({ kind: 'recovered', backend: e.backend, title: `${name} is back`, body: e.from === 'unhealthy' ? 'answering again' : 'ready again after the crash' });
    }
  }
  // A backend near its own limit is not the machine running low.
  for (const a of newAlerts.filter((x) => x.id !== 'guard')) out.push({ kind: 'warning', backend: a.backend, title: a.backend ? `${byId.get(a.backend)?.name ?? a.backend} is near its memory limit` : 'Memory is running low', body: a.message });
  for (const w of watchedNotices(events)) out.push({ ...w, backend: null });
  return out;
}

/** The notice as shown: with what the supervisor does next once that is known. */
export function completed(n: Notice, b: BackendView | undefined, now: number): Notice {
  if (n.afterExitOf === undefined) return n;
  return { kind: n.kind, backend: n.backend, title: n.title, body: [n.body, nextStep(b, now)].filter(Boolean).join('; ') };
}

export function createNotifier(deps: NotifierDeps, opts: NotifierOptions): Notifier {
  const interval = opts.minIntervalMs ?? 30_000;
  const now = opts.now ?? Date.now;
  const lastShown = new Map<string, number>();
  const crashed = new Set<string>();
  // Electron drops click handlers of notifications that were garbage-collected: keep them until closed.
  const live = new Set<NotificationT>();
  let lastSeq: number | null = null;
  let alertIds = new Set<string>();

  const show = (n: Notice): void => {
    const key = n.key ?? `${n.backend ?? '*'}:${n.kind}`;
    const t = now();
    const prev = lastShown.get(key);
    if (prev !== undefined && t - prev < interval) return;
    lastShown.set(key, t);
    const note = new deps.Notification({ title: n.title, body: n.body, urgency: n.kind === 'recovered' ? 'low' : 'critical' });
    live.add(note);
    note.on('click', () => opts.onClick(n.backend));
    note.on('close', () => live.delete(note));
    note.show();
  };

  return {
    update(state) {
      const maxSeq = state.events.reduce((m, e) => Math.max(m, e.seq), -1);
      const ids = new Set(state.alerts.map((a) => a.id));
      if (lastSeq === null) {
        // First snapshot: history, not news.
        lastSeq = maxSeq;
        alertIds = ids;
        return;
      }
      const since = lastSeq;
      const fresh = state.events.filter((e) => e.seq > since).sort((a, b) => a.seq - b.seq);
      const newAlerts = state.alerts.filter((a) => !alertIds.has(a.id));
      lastSeq = Math.max(lastSeq, maxSeq);
      alertIds = ids;
      const t = now();
      const byId = new Map(state.backends.map((b) => [b.id, b]));
      for (const n of noticesFor(fresh, state, newAlerts, crashed)) show(completed(n, n.backend ? byId.get(n.backend) : undefined, t));
    },
  };
}
