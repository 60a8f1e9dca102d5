import { type CapabilityCheck } from './capabilities.js';
export { all, cgroupV1Memory, isRoot, kmsgReadable, oomCapability, required, type CapabilityCheck } from './capabilities.js';
/** `it` that needs a capability: runs, skips with a printed reason, or (in CI) fails. */
export declare function itPrivileged(name: string, check: CapabilityCheck, fn: () => Promise<void> | void, timeout?: number): void;
