// What a part of the core reports before the journal stores it: the journal
// assigns seq (and the time, when none is given) and returns the stored event.
import type { VigilEvent } from '../common/state.js';

/** An event as a supervisor, feed or the fleet reports it. */
export type EventDraft = Omit<VigilEvent, 'seq' | 'time' | 'oom' | 'exit' | 'pid' | 'from' | 'to' | 'backend'> &
  Partial<Pick<VigilEvent, 'time' | 'oom' | 'exit' | 'pid' | 'from' | 'to' | 'backend'>>;
