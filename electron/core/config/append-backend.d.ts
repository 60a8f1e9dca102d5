import type { CommandResult } from '../../common/api.js';
export declare function appendBackend(file: string, id: string, config: Record<string, unknown>): CommandResult;
