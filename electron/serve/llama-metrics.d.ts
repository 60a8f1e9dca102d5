import type { Gauge, Registry } from 'prom-client';
import type { BackendView } from '../common/state.js';
/** Registers the gauges; the returned function fills them for one backend (after the registry was reset). */
/** `GaugeClass` is passed in: prom-client is loaded on the first scrape (metrics.ts), not with this module. */
export declare function llamaGauges(registry: Registry, GaugeClass: typeof Gauge): (b: BackendView) => void;
