// The shape of a watched server (a server Vigil did not start) as the state
// carries it; apart from watch.ts's rules so the state can name it without
// importing those rules' wording.
import type { GpuUse } from './gpu.js';
import type { OomKill } from './oom-kill.js';

/** What the catalog recognised, or 'rule' for a user's `watch:` rule. */
export type WatchKind =
  | 'llama-server'
  | 'llama-router'
  | 'ollama'
  | 'ollama-runner'
  | 'lemonade'
  | 'llama-swap'
  | 'lm-studio'
  | 'vllm'
  | 'koboldcpp'
  | 'whisper-server'
  | 'sd-server'
  | 'rule';

export const WATCH_KIND_LABELS: Readonly<Record<WatchKind, string>> = {
  'llama-server': 'llama-server',
  'llama-router': 'llama.cpp router',
  ollama: 'Ollama',
  'ollama-runner': 'Ollama runner',
  lemonade: 'Lemonade',
  'llama-swap': 'llama-swap',
  'lm-studio': 'LM Studio',
  vllm: 'vLLM',
  koboldcpp: 'KoboldCpp',
  'whisper-server': 'whisper-server',
  'sd-server': 'sd-server',
  rule: 'watched',
};

/**
 * running: alive (and answering, or not probed yet);
 * unhealthy: alive but stopped (T) or its API does not answer;
 * orphaned: alive, but the manager that started it has ended and it was reparented (to init or a subreaper);
 * exited: it ended moments ago and its parent has not collected it yet (within the grace period: not a zombie);
 * zombie: exited, and its parent has not collected it for longer than a grace period;
 * gone: exited and reaped (by its parent, or by init after the parent died).
 */
export type WatchStatus = 'running' | 'unhealthy' | 'orphaned' | 'exited' | 'zombie' | 'gone';

export interface WatchProcessRef {
  pid: number;
  comm: string;
  /** Id of the watched server this process is, when it is one. */
  watchedId: string | null;
}

export interface WatchListen {
  /** Address as bound: '0.0.0.0', '127.0.0.1', '::', '::1' … */
  host: string;
  port: number;
}

export interface WatchUnit {
  /** 'ollama.service' */
  name: string;
  /** A system unit (`systemctl`) or a user unit (`systemctl --user`, of user `uid`). */
  scope: 'system' | 'user';
  /** Owner of the user manager for a user unit; null for a system unit. */
  uid: number | null;
  /** Whether this process is the unit's only task (the unit's restart restarts just it) — false when it shares the unit with its manager. */
  sole: boolean;
}

export interface WatchedServer {
  /** `w-<pid>-<start time>`: stable while the process lives, never reused by a later process with the same pid. */
  id: string;
  kind: WatchKind;
  /** Display name: the catalog's label or the rule's name. */
  label: string;
  /** Name of the `watch:` rule that matched; null for the built-in catalog. */
  rule: string | null;
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): the process identity with the pid. */
  startTime: number;
  /** ms since epoch; null when the boot time is unknown. */
  startedAt: number | null;
  comm: string;
  /** /proc/<pid>/exe; null when not readable (another user's process, without root). */
  exe: string | null;
  cmdline: string[];
  uid: number | null;
  /** TCP sockets it listens on. */
  listen: WatchListen[];
  /** True when the ports were inferred (sockets of the same uid) because its fds could not be read. */
  listenInferred: boolean;
  unit: WatchUnit | null;
  /** Memory cgroup path as the kernel prints it in OOM lines (`/system.slice/ollama.service`). */
  cgroup: string | null;
  /** Its parent: the manager that started it (lemond, llama-swap, ollama serve, a shell, systemd …). */
  manager: WatchProcessRef | null;
  children: WatchProcessRef[];
  /** The model, where the command line says (-m, --model, `serve MODEL`) or the server's API does. */
  model: string | null;
  /** Models the server's API lists as loaded/available (Ollama /api/ps, /v1/models, llama-swap /running). */
  apiModels: string[];
  status: WatchStatus;
  /** ms since epoch of the last status change. */
  since: number;
  /** ms since epoch when Vigil saw the exit (within milliseconds, through a pidfd), or first saw it exited. */
  exitedAt: number | null;
  /** False when it had already exited when first seen: then `exitedAt` is only "at least this long ago". */
  exitSeenLive: boolean;
  /** Set while it is a zombie: when it was flagged, and the parent that has not reaped it. */
  zombieSince: number | null;
  zombieParent: WatchProcessRef | null;
  /** Who collected it, once gone: 'its parent lemond 40990', 'init (pid 1) after its parent died'. */
  reapedBy: string | null;
  /** Last health answer or why there is none ('HTTP 200 /health', 'stopped (T)', 'timeout after 2000 ms'). */
  healthDetail: string;
  /** ms since epoch of the last probe; null before the first. */
  healthAt: number | null;
  /** The last OOM kill attributed to it (kernel, earlyoom or systemd-oomd). */
  lastOom: OomKill | null;
  /** RSS of the process and its children (from /proc/<pid>/stat), bytes; null once gone. */
  memory: { rss: number; processes: number; gpu?: GpuUse[] } | null;
  /** Its /proc/<pid>/oom_score_adj (the kernel's kill priority: positive is taken first); null when unreadable or gone. */
  oomScoreAdj: number | null;
  /** Set once its manager ended while it lived on (status `orphaned`): that manager, and when it exited (ms since epoch). */
  orphanedFrom?: { manager: WatchProcessRef; exitedAt: number } | null;
  /** How it ended, when the kernel's process events told (Vigil is not its parent, so only that connector knows). */
  exit?: WatchExit | null;
  /** OOM kills of processes it started that Vigil never watched (a manager's servers killed during their load), newest last, at most 16. */
  serverOoms?: OomKill[];
  /** The model by its manager's own name (router alias, Ollama model name, llama-swap model id, lemonade model name); absent when no manager names it. */
  managedModel?: string | null;
  /** Set on a manager (llama.cpp router, Ollama, llama-swap, lemond): its servers and its claims against what Vigil sees. */
  managerView?: ManagerView | null;
}

/** A watched process's end as the kernel's process events connector reports it. */
export interface WatchExit {
  /** Exit code when it exited by itself; null when a signal ended it. */
  code: number | null;
  /** Signal name ('SIGKILL') when a signal ended it; null otherwise. */
  signal: string | null;
}

/** What a manager's own API says about one model or server. */
export interface ManagerClaim {
  /** The manager's name for it: router model id, Ollama model name, llama-swap model id, lemonade model name. */
  model: string;
  /** Its state in the manager's words ('loaded', 'unloaded', 'ready', 'starting' …). */
  state: string;
  /** True when the manager says a server runs (or is starting) for it. */
  alive: boolean;
  pid: number | null;
  port: number | null;
  /** The router's `exit_code` after a child's death. */
  exitCode: number | null;
  failed: boolean;
  /** Ollama's manifest digest (hex), which names the blob its server loads. */
  digest?: string;
  /** The manager's account in one phrase ('loaded', 'exited with status 1', 'backend alive (pid 812)'). */
  says: string;
}

/** One server of a manager, as Vigil sees it, beside the manager's claim for it. */
export interface ManagedServer {
  /** Id of its watched entry. */
  id: string;
  pid: number;
  /** The manager's name for its model; else the model its command line names. */
  model: string | null;
  status: WatchStatus;
  exitedAt: number | null;
  oom: OomKill | null;
  /** It exited before it ever answered its API as ready (its load failed). */
  failedLoad: boolean;
  /** The signal that ended it, where the kernel's process events told Vigil; null otherwise. */
  signal?: string | null;
  /** What the manager says of it (its claim's phrase); null when the manager lists it not. */
  says: string | null;
}

/** A claim of the manager that what Vigil sees contradicts. */
export interface ManagerDiscrepancy {
  model: string;
  serverId: string | null;
  /** 'Ollama lists tiny:latest as loaded', 'the router says tiny exited with status 1'. */
  claim: string;
  /** 'its llama-server 4242 was killed', 'the kernel killed it for memory'. */
  truth: string;
  /** When the truth happened (shown as an age); null when unknown. */
  at: number | null;
}

export interface ManagerView {
  /** Path of the API it is polled on and the last answer's time; `detail` says why there is none. */
  api: { path: string; at: number | null; detail: string } | null;
  servers: ManagedServer[];
  claims: ManagerClaim[];
  /** Models it says are loaded (the router's `status.value`, Ollama's /api/ps …). */
  loaded: string[];
  /** Models it can load (the router's /models); empty when its API does not list them. */
  available: string[];
  /** OOM kills of its servers, newest first. */
  kills: OomKill[];
  discrepancies: ManagerDiscrepancy[];
}

