export * from './backend-cgroup.js';
export * from './detect.js';
