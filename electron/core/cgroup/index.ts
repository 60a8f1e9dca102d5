export * from './backend-cgroup.js';
export * from './detect.js';
export * from './own-limit.js';
