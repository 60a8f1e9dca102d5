// Which backend the guard stops: among those running whose policy allows it
// (`oom.onPressure` not `never`), the lowest `oom.priority`, then the
// largest. Pure, so the order is tested on its own.
import { isLive } from '../../common/status.js';
import type { BackendStatus } from '../../common/state.js';

export interface Candidate {
  id: string;
  status: BackendStatus;
  priority: number;
  onPressure: 'stop' | 'restart-smaller' | 'never';
  /** Bytes it holds (cgroup charge or tree RSS); null when unknown (sorted last among equals). */
  bytes: number | null;
}

export function pickVictim<C extends Candidate>(all: readonly C[]): C | null {
  const live = all.filter((c) => isLive(c.status) && c.status !== 'stopping' && c.onPressure !== 'never');
  live.sort((a, b) => a.priority - b.priority || (b.bytes ?? -1) - (a.bytes ?? -1) || a.id.localeCompare(b.id));
  return live[0] ?? null;
}
