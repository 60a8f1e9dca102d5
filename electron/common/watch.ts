// Watched servers: LLM servers running on this machine that Vigil did not
// start (Ollama, lemonade, llama-swap, LM Studio, vLLM, a llama-server from a
// terminal …). Vigil is not their parent, so it can see their exit (pidfd),
// their zombie (/proc), their OOM kill (kernel log) and their health (their
// own API), but never their exit status, and it cannot reap them. The action
// rules below say only what is honest for such a process.
import { formatAgo } from './format.js';
import type { WatchKind, WatchProcessRef, WatchUnit, WatchedServer } from './watch-types.js';

export { WATCH_KIND_LABELS } from './watch-types.js';
export type { ManagedServer, ManagerClaim, ManagerDiscrepancy, ManagerView, WatchKind, WatchListen, WatchProcessRef, WatchStatus, WatchUnit, WatchedServer } from './watch-types.js';

/** Vigil never learns a watched process's exit status: the kernel gives it only to the parent. */
export const WATCHED_EXIT_STATUS_NOTE =
  'exit status not available: Vigil is not its parent (the reason comes from the kernel log or its systemd unit)';

const ref = (p: WatchProcessRef): string => `${p.comm} ${p.pid}`;

/** ' 37s ago'; when the exit was not seen as it happened (it had exited before Vigil first looked), only a lower bound; '' when unknown. */
function exitAge(s: WatchedServer, now: number): string {
  if (s.exitedAt === null) return '';
  const age = now - s.exitedAt;
  if (s.exitSeenLive) return ` ${formatAgo(age)}`;
  return age < 1000 ? ' before Vigil found it' : ` at least ${formatAgo(age)}`;
}

/** One line for the card, tray and notifications. */
export function describeWatched(s: WatchedServer, now: number): string {
  const name = `${s.comm} ${s.pid}`;
  const oom = s.lastOom ? ' (OOM-killed)' : '';
  switch (s.status) {
    case 'zombie': {
      const ago = exitAge(s, now);
      const parent = s.zombieParent ? `its parent ${ref(s.zombieParent)} has not reaped it` : 'its parent has not reaped it';
      return `${name} exited${ago}${oom}; ${parent}`;
    }
    case 'gone':
      return `${name} exited${exitAge(s, now)}${oom}${s.reapedBy ? `; reaped by ${s.reapedBy}` : ''}`;
    case 'unhealthy':
      return `${name} is unhealthy: ${s.healthDetail}`;
    case 'running':
      return `${name} is running${s.listen.length ? ` on port ${s.listen.map((l) => l.port).join(', ')}` : ''}`;
  }
}

// ---- actions --------------------------------------------------------------------

export type WatchActionName = 'stop' | 'restart' | 'adopt';

export interface WatchAction {
  action: WatchActionName;
  available: boolean;
  /** Why it is not available, or what it will do (shown beside the button). */
  why: string;
  /** Confirmation question; null when the action is not available. */
  confirm: string | null;
  /** For restart: the exact command Vigil runs (argv, no shell). */
  argv: string[] | null;
}

export interface WatchActionContext {
  /** Vigil's own uid: signalling another user's process needs root. */
  uid: number;
}

/** Kinds that only exist as a manager's worker: adopting one would leave the manager with a dead worker. */
const MANAGED_KINDS: readonly WatchKind[] = ['ollama-runner'];

function canSignal(s: WatchedServer, ctx: WatchActionContext): string | null {
  if (ctx.uid === 0 || s.uid === null || s.uid === ctx.uid) return null;
  return `it runs as uid ${s.uid} and Vigil as uid ${ctx.uid}: only root may signal it`;
}

/** systemctl argv restarting the server's unit; null without one. */
export function unitRestartArgv(unit: WatchUnit | null): string[] | null {
  if (!unit) return null;
  return unit.scope === 'user' ? ['systemctl', '--user', 'restart', unit.name] : ['systemctl', 'restart', unit.name];
}

/**
 * The honest actions for a watched server. Stop signals it (through a pidfd,
 * never a recycled pid); restart goes through its systemd unit, the only
 * way to start it again as it was started; adopt stops it and starts the same
 * command line under Vigil. A zombie cannot be stopped or reaped by Vigil:
 * only its parent can collect it, or init once that parent is gone.
 */
export function watchActions(s: WatchedServer, ctx: WatchActionContext): WatchAction[] {
  const alive = s.status === 'running' || s.status === 'unhealthy';
  const name = `${s.comm} ${s.pid}`;
  const perm = canSignal(s, ctx);
  const out: WatchAction[] = [];

  // stop
  if (!alive) {
    const why =
      s.status === 'zombie'
        ? `it has already exited; only its parent${s.zombieParent ? ` ${ref(s.zombieParent)}` : ''} can reap it (if that parent ends, init reaps it)`
        : 'it has exited';
    out.push({ action: 'stop', available: false, why, confirm: null, argv: null });
  } else if (perm) {
    out.push({ action: 'stop', available: false, why: perm, confirm: null, argv: null });
  } else {
    const comesBack = s.unit
      ? ` Its systemd unit ${s.unit.name} may start it again.`
      : s.manager && s.manager.pid > 1
        ? ` Its manager ${ref(s.manager)} may start it again.`
        : '';
    out.push({ action: 'stop', available: true, why: 'send SIGTERM, then SIGKILL if it does not exit', confirm: `Stop ${name}? Vigil did not start it.${comesBack}`, argv: null });
  }

  // restart (through systemd only)
  const argv = unitRestartArgv(s.unit);
  if (!argv || !s.unit) {
    out.push({ action: 'restart', available: false, why: 'it is not run by a systemd service, so Vigil cannot start it again the way it was started (adopt instead)', confirm: null, argv: null });
  } else if (s.unit.scope === 'user' && s.unit.uid !== null && s.unit.uid !== ctx.uid) {
    out.push({ action: 'restart', available: false, why: `${s.unit.name} is a user unit of uid ${s.unit.uid}; systemctl --user reaches only Vigil's own user manager`, confirm: null, argv: null });
  } else {
    const whole = s.unit.sole ? '' : ` (the whole unit: its other processes restart too)`;
    const perms = s.unit.scope === 'system' && ctx.uid !== 0 ? '; systemd may ask for permission (polkit) and the error is shown if refused' : '';
    out.push({ action: 'restart', available: true, why: `runs ${argv.join(' ')}${whole}${perms}`, confirm: `Restart ${s.unit.name}${whole}?`, argv });
  }

  // adopt
  let refuse: string | null = null;
  if (!alive) refuse = 'it is not running';
  else if (perm) refuse = perm;
  else if (s.cmdline.length === 0) refuse = 'its command line is not readable';
  else if (s.unit) refuse = `it runs under the systemd unit ${s.unit.name}, which would start it again beside Vigil's copy; restart it through the unit, or disable the unit first`;
  else if (MANAGED_KINDS.includes(s.kind) || s.manager?.watchedId) refuse = `its manager${s.manager ? ` ${ref(s.manager)}` : ''} started it and would lose track of it`;
  if (refuse) out.push({ action: 'adopt', available: false, why: refuse, confirm: null, argv: null });
  else
    out.push({
      action: 'adopt',
      available: true,
      why: 'stop it, then start the same command line under Vigil (restarts, exit codes, reaping)',
      confirm: `Adopt ${name}? It stops and starts again under Vigil: it is unavailable while it restarts (a model reloads).`,
      argv: null,
    });
  return out;
}

/**
 * The actions a view offers (the card's buttons, the tray's items): stop and
 * adopt while the server runs, restart whenever a systemd unit runs it; each
 * allowed or not (with why) by watchActions. Nothing for a zombie without a
 * unit: Vigil can neither stop nor reap it.
 */
export function offeredWatchActions(s: WatchedServer, ctx: WatchActionContext): WatchAction[] {
  const alive = s.status === 'running' || s.status === 'unhealthy';
  return watchActions(s, ctx).filter((a) => (a.action === 'restart' ? s.unit !== null : alive));
}

/** Why nothing is offered for a zombie: the line shown where a Reap button would be for a backend. */
export function watchedZombieNote(s: WatchedServer): string | null {
  if (s.status !== 'zombie') return null;
  const parent = s.zombieParent ? `its parent ${ref(s.zombieParent)}` : 'its parent';
  return `Vigil cannot reap it: only ${parent} can, or init once that parent ends.`;
}

// ---- events ---------------------------------------------------------------------

/**
 * discovered: a server is watched from now on; exited: its pidfd said it
 * ended (within milliseconds); zombie: it stayed unreaped past the grace
 * period; reaped: a flagged zombie is gone at last (its parent collected it,
 * or init did after the parent ended); unhealthy / recovered: stopped (T) or
 * not answering its API, and back; oom: an OOM kill was attributed to it.
 */
export type WatchEventKind = 'discovered' | 'exited' | 'zombie' | 'reaped' | 'unhealthy' | 'recovered' | 'oom';

export interface WatchEvent {
  kind: WatchEventKind;
  /** ms since epoch. */
  time: number;
  id: string;
  pid: number;
  /** One line for the journal, tray and notifications. */
  reason: string;
  /** The server as it is right after the event. */
  server: WatchedServer;
}
