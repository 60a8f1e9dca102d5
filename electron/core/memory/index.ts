export * from './alerts.js';
export * from './history.js';
export * from './processes.js';
export * from './publish.js';
export * from './sampler.js';
export * from './scanner.js';
export * from './system.js';
