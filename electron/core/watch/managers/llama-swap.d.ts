import { type ManagerAdapter, type ManagerReading } from './types.js';
export declare function readRunning(body: unknown): ManagerReading | null;
export declare const llamaSwap: ManagerAdapter;
