import type { VigilConfig } from '../../common/config-schema.js';
import type { MemoryAlert, VigilEvent } from '../../common/state.js';
import { type AlertBackend, type MemorySample } from '../memory/index.js';
import type { EventDraft } from '../supervisor/types.js';
type Alerts = VigilConfig['alerts'];
export interface AlertFeedDeps {
    /** The alert thresholds in force. */
    thresholds(): Alerts | undefined;
    emit(d: EventDraft): VigilEvent;
    publish(active: MemoryAlert[]): void;
}
export declare class AlertFeed {
    private readonly deps;
    private thresholds;
    private tracker;
    constructor(deps: AlertFeedDeps);
    /** One memory sample; `backends` are those with a memory limit (only they can be near it). */
    update(sample: MemorySample, backends: readonly AlertBackend[]): void;
}
export {};
