// Wake-ups for the guard on cgroup v1, where the kernel offers them for a
// memory cgroup: memory.pressure_level ("medium": reclaim is under way) and
// a threshold on memory.usage_in_bytes (the charge crossed the point where
// MemAvailable of the limited machine reaches the guard's floor), both
// through cgroup.event_control and an eventfd. They only make the guard read
// at once instead of at its next interval; the decision is the same.
// (cgroup v2's PSI triggers signal POLLPRI, which the event loop's poll here
// does not expose, so on v2 and on the host the guard reads on its interval.)
import { onV1Event } from '../cgroup/v1-event.js';

/** Wake-ups of a v1 memory cgroup; `usageAbove` bytes arms the usage threshold. Returns a stop and what could not be armed. */
export function v1Wakeups(dir: string, usageAbove: number | null, cb: () => void): { stop: () => void; missing: string[] } {
  const stops: (() => void)[] = [];
  const missing: string[] = [];
  try {
    stops.push(onV1Event(dir, 'memory.pressure_level', 'medium', cb));
  } catch (e) {
    missing.push(`memory.pressure_level: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (usageAbove !== null && usageAbove > 0) {
    try {
      stops.push(onV1Event(dir, 'memory.usage_in_bytes', String(Math.floor(usageAbove)), cb));
    } catch (e) {
      missing.push(`memory.usage_in_bytes threshold: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
  return { stop: () => stops.forEach((s) => s()), missing };
}
