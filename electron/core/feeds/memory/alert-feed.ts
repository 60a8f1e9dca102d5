// Early memory warnings as events and state: the thresholds come from the
// config in force, and a reload that changes them starts a fresh tracker.
import type { VigilConfig } from '../../../common/config-schema.js';
import type { MemoryAlert, VigilEvent } from '../../../common/state.js';
import { AlertTracker, type AlertBackend, type AlertConfig, type MemorySample } from '../../memory/index.js';
import type { EventDraft } from '../../events.js';

type Alerts = VigilConfig['alerts'];

function alertConfig(a: Alerts | undefined): AlertConfig {
  if (!a) return {};
  const below = a.memAvailableBelow as { percent: number } | { bytes: number };
  return {
    ...('percent' in below ? { memAvailableBelowPercent: below.percent } : { memAvailableBelowBytes: below.bytes }),
    psiFullAvg10Above: a.psiFullAvg10Above,
    limitMarginPercent: a.limitMarginPercent,
  };
}

export interface AlertFeedDeps {
  /** The alert thresholds in force. */
  thresholds(): Alerts | undefined;
  emit(d: EventDraft): VigilEvent;
  publish(active: MemoryAlert[]): void;
}

export class AlertFeed {
  private thresholds: Alerts | undefined;
  private tracker: AlertTracker;

  constructor(private readonly deps: AlertFeedDeps) {
    this.thresholds = deps.thresholds();
    this.tracker = new AlertTracker(alertConfig(this.thresholds));
  }

  /** One memory sample; `backends` are those with a memory limit (only they can be near it). */
  update(sample: MemorySample, backends: readonly AlertBackend[]): void {
    const now = this.deps.thresholds();
    if (now !== this.thresholds) {
      this.thresholds = now;
      this.tracker = new AlertTracker(alertConfig(now));
    }
    const t = this.tracker.update(sample, backends);
    for (const a of t.raised) this.deps.emit({ kind: 'warning', backend: a.backend, reason: a.message, details: { alert: a } });
    for (const a of t.cleared) this.deps.emit({ kind: 'warning', backend: a.backend, reason: `cleared: ${a.message}`, details: { alert: a, cleared: true } });
    if (t.raised.length || t.cleared.length || this.tracker.active().length) this.deps.publish(this.tracker.active());
  }
}
