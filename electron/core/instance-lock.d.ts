import { z } from 'zod';
import type { Logger } from './diagnostics.js';
export declare const LOCK_FILE = "vigil.lock";
/** Which host runs the core: the desktop app (a window, no URL) or `vigil serve` (a dashboard URL). */
export type VigilHost = 'desktop' | 'serve';
declare const Holder: z.ZodObject<{
    pid: z.ZodNumber;
    startTime: z.ZodNullable<z.ZodNumber>;
    since: z.ZodNumber;
    dashboardUrl: z.ZodNullable<z.ZodString>;
    host: z.ZodDefault<z.ZodNullable<z.ZodEnum<{
        serve: "serve";
        desktop: "desktop";
    }>>>;
}, z.core.$strip>;
export type LockHolder = z.infer<typeof Holder>;
/** 'the Vigil desktop app (pid 41)', 'another Vigil (pid 41)'; 'another Vigil' when the lock file vouches for no live process. */
export declare function describeHolder(holder: LockHolder | null): string;
export declare class InstanceLockedError extends Error {
    readonly stateDir: string;
    /** Who holds the lock, when its file could be read and names a live process. */
    readonly holder: LockHolder | null;
    constructor(stateDir: string, 
    /** Who holds the lock, when its file could be read and names a live process. */
    holder: LockHolder | null);
}
export interface InstanceLock {
    readonly file: string;
    /** Record where this instance's dashboard is (null: none), for a second instance to name. */
    setDashboardUrl(url: string | null): void;
    release(): Promise<void>;
}
/**
 * Whether another Vigil holds the state directory now, without taking it:
 * a host checks this before anything else it might refuse for, so a second
 * `vigil serve --port 8765` names the Vigil on 8765 rather than a busy port.
 */
export declare function lockedBy(stateDir: string): Promise<InstanceLockedError | null>;
/**
 * Take the state directory (which must exist), or throw InstanceLockedError
 * naming the holder. `host` is recorded so a second instance can say what
 * holds it (the desktop app has a window, not a URL).
 */
export declare function acquireInstanceLock(stateDir: string, logger: Logger, host?: VigilHost | null): Promise<InstanceLock>;
export {};
