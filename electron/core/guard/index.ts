// The pressure guard's entry point: the feed, and how a supervisor is seen by it.
import type { BackendSupervisor } from '../supervisor/backend-supervisor.js';
import type { GuardTarget } from './guard-feed.js';

export { startGuard, type Guard, type GuardConfig, type GuardDeps, type GuardTarget } from './guard-feed.js';
export { PressureJudge, describeFigures, type Figures, type Reading, type Thresholds, type Verdict } from './threshold.js';
export { MachineReader } from './machine.js';
export { pickVictim } from './pick.js';

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
