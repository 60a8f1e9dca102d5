import { type CapabilityCheck } from '../privileged.js';
export declare const llamaRequired: () => boolean;
type Body = () => Promise<void> | void;
/** `it` with the real llama-server. */
export declare function itLlama(name: string, fn: Body, timeout?: number): void;
/** `it` with the real llama-server and a privileged capability (see test-support/privileged.ts). */
export declare function itLlamaPrivileged(name: string, check: CapabilityCheck, fn: Body, timeout?: number): void;
export {};
