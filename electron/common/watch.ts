// Watched servers: LLM servers running on this machine that Vigil did not
// start (Ollama, lemonade, llama-swap, LM Studio, vLLM, a llama-server from a
// terminal …). Vigil is not their parent, so it can see their exit (pidfd),
// their zombie (/proc), their OOM kill (kernel log) and their health (their
// own API), but never their exit status, and it cannot reap them. The action
// rules below say only what is honest for such a process.
import { formatAgo, formatClock } from './format.js';
import type { OomKill } from './oom-kill.js';
import type { WatchKind, WatchProcessRef, WatchStatus, WatchUnit, WatchedServer } from './watch-types.js';

export { WATCH_KIND_LABELS } from './watch-types.js';
export type { ManagedServer, ManagerClaim, ManagerDiscrepancy, ManagerView, WatchExit, WatchKind, WatchListen, WatchProcessRef, WatchStatus, WatchUnit, WatchedServer } from './watch-types.js';

/** Alive: it can be probed, stopped or adopted. */
export const WATCH_ALIVE: readonly WatchStatus[] = ['running', 'unhealthy', 'orphaned'];
export const isWatchedAlive = (s: Pick<WatchedServer, 'status'>): boolean => WATCH_ALIVE.includes(s.status);

/**
 * Parents that start a server and may end on purpose without it being left
 * over: shells, terminals and session tools, init and service managers
 * (subreapers). Any other parent is a manager: when it ends while its server
 * lives on, the server is an orphan; while it lives, taking its server away
 * (adopt) would break it.
 */
const SHELL_OR_INIT = new Set([
  'sh', 'bash', 'dash', 'zsh', 'fish', 'ksh', 'mksh', 'tcsh', 'csh', 'busybox', 'nu', 'xonsh', 'elvish',
  'tmux', 'tmux: server', 'screen', 'SCREEN', 'zellij', 'script', 'nohup', 'setsid', 'env', 'sudo', 'su', 'doas', 'runuser', 'login', 'sshd', 'mosh-server',
  'init', 'systemd', 'tini', 'dumb-init', 'catatonit', 's6-svscan', 'runsv', 'supervisord', 'containerd-shim', 'conmon',
  'gnome-terminal-', 'konsole', 'xterm', 'alacritty', 'kitty', 'wezterm-gui', 'foot', 'terminator', 'tilix', 'code', 'cursor',
]);

/** Whether a parent is a shell, terminal, init or service manager (not an LLM manager). */
export function isShellOrInit(p: Pick<WatchProcessRef, 'pid' | 'comm'>): boolean {
  return p.pid <= 1 || SHELL_OR_INIT.has(p.comm);
}

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

/** ', killed by SIGKILL' / ', exit status 1' when the kernel's process events said; '' otherwise (and beside an OOM kill, which says it). */
function howEnded(s: WatchedServer): string {
  if (!s.exit || (s.lastOom && s.exit.signal === 'SIGKILL')) return '';
  return s.exit.signal ? `, killed by ${s.exit.signal}` : `, exit status ${s.exit.code}`;
}

/** One line for the card, tray and notifications. */
export function describeWatched(s: WatchedServer, now: number): string {
  const name = `${s.comm} ${s.pid}`;
  const oom = s.lastOom ? ' (OOM-killed)' : '';
  switch (s.status) {
    case 'exited':
      return `${name} exited${exitAge(s, now)}${oom}${howEnded(s)}`;
    case 'orphaned':
      return `${name} is orphaned from ${s.orphanedFrom ? `${ref(s.orphanedFrom.manager)} (exited at ${formatClock(s.orphanedFrom.exitedAt)})` : 'its manager'}; it still runs`;
    case 'zombie': {
      const ago = exitAge(s, now);
      const parent = s.zombieParent ? `its parent ${ref(s.zombieParent)} has not reaped it` : 'its parent has not reaped it';
      return `${name} exited${ago}${oom}${howEnded(s)}; ${parent}`;
    }
    case 'gone':
      return `${name} exited${exitAge(s, now)}${oom}${howEnded(s)}${s.reapedBy ? `; reaped by ${s.reapedBy}` : ''}`;
    case 'unhealthy':
      return `${name} is unhealthy: ${s.healthDetail}`;
    case 'running':
      return `${name} is running${s.listen.length ? ` on port ${s.listen.map((l) => l.port).join(', ')}` : ''}`;
  }
}

/** How long an OOM kill of a watched server (or of a manager's server) counts as a current problem. */
export const RECENT_WATCHED_OOM_MS = 10 * 60_000;

export interface WatchedProblems {
  zombies: number;
  orphans: number;
  /** OOM kills within RECENT_WATCHED_OOM_MS: of watched servers, and of servers of watched managers. */
  recentOoms: number;
  /** '1 zombie, 1 orphan, 2 OOM kills'; null when there is none. */
  text: string | null;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** What the header and tray count among the watched servers: zombies, orphans and recent OOM kills. */
export function watchedProblems(watched: readonly WatchedServer[], now: number): WatchedProblems {
  const zombies = watched.filter((s) => s.status === 'zombie').length;
  const orphans = watched.filter((s) => s.status === 'orphaned').length;
  const recent = (k: { time: number | null } | null | undefined): boolean => k != null && k.time !== null && now - k.time < RECENT_WATCHED_OOM_MS;
  const ids = new Set<string>();
  for (const s of watched) for (const k of [s.lastOom, ...(s.serverOoms ?? [])]) if (k && recent(k)) ids.add(k.id);
  const recentOoms = ids.size;
  const parts = [zombies && plural(zombies, 'zombie', 'zombies'), orphans && plural(orphans, 'orphan', 'orphans'), recentOoms && plural(recentOoms, 'OOM kill', 'OOM kills')].filter(Boolean);
  return { zombies, orphans, recentOoms, text: parts.length ? parts.join(', ') : null };
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
  const alive = isWatchedAlive(s);
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
    const comesBack = s.status === 'orphaned'
      ? ` It is left over: its manager ${s.orphanedFrom ? `${ref(s.orphanedFrom.manager)} exited at ${formatClock(s.orphanedFrom.exitedAt)}` : 'has ended'}.`
      : s.unit
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
  else if (s.manager && !isShellOrInit(s.manager))
    refuse = `its parent ${ref(s.manager)} is alive and is not a shell or init: it started this server and would see its worker stop (or exit itself); stop that manager's model through the manager instead`;
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
  const alive = isWatchedAlive(s);
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
 * not answering its API, and back; oom: an OOM kill was attributed to it;
 * orphaned: the manager that started it ended while it lives on.
 */
export type WatchEventKind = 'discovered' | 'exited' | 'zombie' | 'reaped' | 'unhealthy' | 'recovered' | 'oom' | 'orphaned';

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
  /** For `oom`: the kill, with its attribution (the victim may be a server of this one rather than this one). */
  oom?: OomKill;
}
