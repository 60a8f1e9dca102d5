// Watch mode: LLM servers on this machine that Vigil did not start.
export { Watcher, type OwnedProcesses, type WatcherOptions } from './watcher.js';
export { classify, type CatalogMatch, type ProcessIdentity } from './catalog.js';
export { attributeWatchedKill, type AttributionBy, type WatchAttribution } from './attribute.js';
export { Discovery, type Candidate, type DiscoveryOptions } from './discovery.js';
export type { AdoptionSpec } from './actions.js';
export { ManagerWatch, type ManagerWatchOptions } from './managers/index.js';
