import { BackendLog } from './backend-log.js';
export declare class BackendLogs {
    private readonly stateDir;
    private readonly logs;
    constructor(stateDir: string);
    get(id: string): BackendLog;
    close(id: string): void;
    closeAll(): void;
}
