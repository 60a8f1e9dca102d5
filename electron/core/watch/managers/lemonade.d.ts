import { type ManagerAdapter, type ManagerReading } from './types.js';
export declare function readHealth(body: unknown): ManagerReading | null;
export declare const lemonade: ManagerAdapter;
