export * from './alerts.js';
export * from './gpu-amd.js';
export * from './gpu-nvidia.js';
export * from './history.js';
export * from './processes.js';
export * from './read.js';
export * from './sampler.js';
export * from './system.js';
