// The pressure guard: reads the machine (machine.ts) on an interval and at
// once on the kernel's wake-ups (notify.ts, cgroup v1), asks the judge
// (threshold.ts) and, when pressure has held long enough, stops the backend
// pickVictim() names through the supervisor's own stop sequence (a stop with
// a reason: the state machine's stopping → stopped, so no restart policy
// applies) — or, with `oom.onPressure: restart-smaller`, starts it again at
// once with the fit advice's first option. Watched servers are never
// stopped: the guard names the one to stop in an event and an alert (the
// tray turns red) and leaves the action to the user.
import type { CommandResult } from '../../../common/api.js';
import type { VigilConfig } from '../../../common/config-schema.js';
import { formatBytes } from '../../../common/format.js';
import type { BackendStatus, MemoryAlert, OomKill, ShedInfo, VigilEvent } from '../../../common/state.js';
import type { WatchedServer } from '../../../common/watch.js';
import type { Logger } from '../../diagnostics.js';
import type { EventDraft } from '../../events.js';
import type { BackendSupervisor } from '../../supervisor/backend-supervisor.js';
import { MachineReader, type MachineReading } from '../../guard/machine.js';
import { v1Wakeups } from '../../guard/notify.js';
import { pickVictim } from '../../guard/pick.js';
import { availableFloor, PressureJudge, type Figures, type Thresholds } from '../../guard/threshold.js';

export type GuardConfig = VigilConfig['guard'];

export interface GuardTarget {
  readonly id: string;
  readonly name: string;
  readonly status: BackendStatus;
  readonly pid: number | null;
  readonly command: string[];
  readonly oom: { priority: number; onPressure: 'stop' | 'restart-smaller' | 'never' };
  /** Bytes it holds now (cgroup charge, else tree RSS); null when unknown. */
  bytes(): number | null;
  shed(info: ShedInfo, argv: string[] | null): Promise<CommandResult>;
}

export interface GuardDeps {
  config(): GuardConfig | undefined;
  backends(): GuardTarget[];
  watched(): WatchedServer[];
  /** The fit check's advice for the backend against the machine as it is now; null when it has none. */
  adviceNow(id: string): Promise<{ text: string; options: { flags: string[]; argv: string[] }[] } | null>;
  emit(d: EventDraft): VigilEvent;
  /** The shed, into the OOM timeline beside the kernel's kills. */
  pushShed(record: OomKill): void;
  setAlert(alert: MemoryAlert | null): void;
  logger: Logger;
  /** Tests and the bench: the machine's figures (default: MachineReader). */
  read?: (t: number) => MachineReading | null;
  now?: () => number;
}

export interface Guard {
  /** Read and judge now (the wake-ups call it; tests may too). */
  check(): void;
  /** Sheds so far (also in the OOM timeline). */
  readonly sheds: number;
  /** What the guard reads: 'host' or the limited cgroup's path. */
  readonly machine: string;
  stop(): void;
}

const toThresholds = (g: GuardConfig): Thresholds => ({ psiFullAbove: g.psiFullAbove, memAvailableBelow: g.memAvailableBelow, forMs: g.forMs, cooldownMs: g.cooldownMs });

export function startGuard(d: GuardDeps): Guard {
  const reader = new MachineReader();
  const read = d.read ?? ((t: number) => reader.read(t));
  const now = d.now ?? (() => performance.now());
  let cfg = d.config();
  const judge = new PressureJudge(toThresholds(cfg ?? DEFAULT_OFF));
  let sheds = 0;
  let acting = false;
  let stopped = false;
  let alertOn = false;
  /** The watched server (or none: '') last recommended, so a lasting squeeze is one event, not one per cooldown. */
  let recommended: string | null = null;
  let due: NodeJS.Timeout | null = null;
  let wake: { stop: () => void; floorKey: string } | null = null;

  const rearmWakeups = (): void => {
    const own = reader.own;
    if (d.read || !own || own.version !== 1 || !cfg?.enabled || !cfg.wakeups) {
      wake?.stop();
      wake = null;
      return;
    }
    const floor = availableFloor(toThresholds(cfg), own.limitBytes);
    const key = `${own.limited}:${floor}`;
    if (wake?.floorKey === key) return;
    wake?.stop();
    const w = v1Wakeups(own.limited, floor === null ? null : own.limitBytes - floor, () => check());
    if (w.missing.length) d.logger.warn(`guard: kernel wake-ups not armed (${w.missing.join('; ')}); reading every ${cfg.intervalMs} ms`);
    wake = { stop: w.stop, floorKey: key };
  };

  const check = (): void => {
    if (stopped) return;
    const next = d.config();
    if (next !== cfg) {
      cfg = next;
      judge.setThresholds(toThresholds(cfg ?? DEFAULT_OFF));
      rearmInterval();
      rearmWakeups();
    }
    if (!cfg?.enabled || acting) return;
    const t = now();
    const r = read(t);
    if (!r) return;
    const v = judge.push(r);
    if (due) clearTimeout(due);
    due = null;
    if (!v.act) {
      // Held but not yet long enough: look again the moment it would be.
      const wait = judge.dueIn(t);
      if (wait !== null) {
        due = setTimeout(check, Math.max(1, Math.ceil(wait)));
        due.unref();
      } else if (alertOn) {
        alertOn = false;
        recommended = null;
        d.setAlert(null);
      }
      return;
    }
    acting = true;
    void act(v.figures, v.reason, r)
      .catch((e: unknown) => d.logger.error('guard', e))
      .finally(() => {
        acting = false;
      });
  };

  const act = async (f: Figures, reason: string, r: MachineReading): Promise<void> => {
    const victim = pickVictim(
      d.backends().map((b) => ({ id: b.id, status: b.status, priority: b.oom.priority, onPressure: b.oom.onPressure, bytes: b.bytes(), target: b })),
    );
    const where = r.where === 'host' ? '' : ` (the machine is the memory cgroup ${r.where})`;
    if (!victim) {
      recommend(f, reason, where);
      return;
    }
    const b = victim.target;
    const bytes = victim.bytes;
    const pid = b.pid;
    const advice = await d.adviceNow(b.id).catch(() => null);
    const smaller = b.oom.onPressure === 'restart-smaller' ? (advice?.options[0] ?? null) : null;
    const fitsNow = advice ? advice.text : null;
    const info: ShedInfo = { at: Date.now(), reason, fitsNow, action: smaller ? 'restarted-smaller' : 'stopped' };
    const what = smaller ? `restarted ${b.name} smaller (${smaller.flags.join(' ')})` : `stopped ${b.name}`;
    const text = `${reason}: ${what} to keep the desktop alive${where}${bytes !== null ? `; it held ${formatBytes(bytes)}` : ''}${fitsNow ? `. What would fit now: ${fitsNow}` : ''}`;
    sheds++;
    d.emit({ kind: 'guard', backend: b.id, pid, reason: text, details: { figures: f, priority: b.oom.priority, bytes, machine: r.where, action: info.action, fitsNow } });
    d.pushShed(shedRecord(b, pid, bytes, info, r));
    const res = await b.shed(info, smaller?.argv ?? null);
    if (!res.ok) d.emit({ kind: 'guard', backend: b.id, pid, reason: `could not stop ${b.name} under memory pressure: ${res.message}` });
  };

  /** Nothing Vigil may stop: name the largest watched server (or say nothing can be done) and turn the tray red. */
  const recommend = (f: Figures, reason: string, where: string): void => {
    const live = d.watched().filter((w) => w.status !== 'gone' && w.status !== 'zombie' && w.memory);
    live.sort((a, b) => (b.memory?.rss ?? 0) - (a.memory?.rss ?? 0));
    const top = live[0];
    const message = top
      ? `${reason}${where}: stop ${top.label} (pid ${top.pid}, ${formatBytes(top.memory!.rss)}; a server Vigil did not start, so it only recommends)`
      : `${reason}${where}: no backend Vigil may stop (none running, or oom.onPressure: never)`;
    if (recommended !== (top?.id ?? '')) d.emit({ kind: 'guard', backend: null, pid: top?.pid ?? null, reason: message, details: { figures: f, recommend: top?.id ?? null } });
    recommended = top?.id ?? '';
    alertOn = true;
    d.setAlert({ id: 'guard', backend: null, message, since: Date.now(), figures: { available: f.available, total: f.total, ...(f.psiFullAvg10 !== null ? { psiFullAvg10: f.psiFullAvg10 } : {}), ...(top ? { pid: top.pid } : {}) } });
  };

  let interval: NodeJS.Timeout | null = null;
  const rearmInterval = (): void => {
    if (interval) clearInterval(interval);
    interval = null;
    if (!cfg?.enabled) return;
    interval = setInterval(check, cfg.intervalMs);
    interval.unref();
  };
  rearmInterval();
  rearmWakeups();

  return {
    check,
    get sheds() {
      return sheds;
    },
    get machine() {
      return reader.own && reader.own.limitBytes ? reader.own.limited : 'host';
    },
    stop: () => {
      stopped = true;
      if (interval) clearInterval(interval);
      if (due) clearTimeout(due);
      wake?.stop();
    },
  };
}

const DEFAULT_OFF: GuardConfig = { enabled: false, psiFullAbove: null, memAvailableBelow: null, forMs: 0, cooldownMs: 0, intervalMs: 1000, wakeups: false };

/** The shed as a line of the OOM timeline: killer 'vigil', never counted as a kill. */
function shedRecord(b: GuardTarget, pid: number | null, bytes: number | null, info: ShedInfo, r: MachineReading): OomKill {
  return {
    id: `shed:${b.id}:${pid ?? 0}:${info.at}`,
    time: info.at,
    timeText: null,
    pid: pid ?? 0,
    comm: b.command[0]?.split('/').pop() ?? b.name,
    scope: r.where === 'host' ? 'global' : 'memcg',
    constraint: null,
    memcg: r.where === 'host' ? null : r.where,
    totalVmKb: null,
    anonRssKb: null,
    fileRssKb: null,
    shmemRssKb: null,
    rssKb: bytes === null ? null : Math.round(bytes / 1024),
    uid: null,
    oomScoreAdj: null,
    killer: 'vigil',
    trigger: null,
    backend: b.id,
    largestConsumer: null,
    source: 'none',
    advice: info.fitsNow,
  };
}

/** A supervisor as the guard sees it: its policy, its size (cgroup charge, else tree RSS) and its shed. */
export function guardTarget(s: BackendSupervisor): GuardTarget {
  const v = s.snapshot();
  return {
    id: s.id,
    name: v.name,
    status: s.status,
    pid: s.livePid,
    command: v.command,
    oom: { priority: s.config.oom?.priority ?? 10, onPressure: s.config.oom?.onPressure ?? 'stop' },
    bytes: () => s.cgroupUsage() ?? s.snapshot().memory?.rss ?? null,
    shed: (info, argv) => s.shed(info, argv),
  };
}
