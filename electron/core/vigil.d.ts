import type { CommandResult, VigilService } from '../common/api.js';
import { type Logger } from './diagnostics.js';
import { type FeedOptions } from './feeds/index.js';
import { type SupervisorExtras } from './fleet/fleet.js';
import { type VigilHost } from './instance-lock.js';
export { describeHolder, InstanceLockedError, lockedBy, type LockHolder, type VigilHost } from './instance-lock.js';
export interface CreateVigilOptions extends FeedOptions {
    configPath?: string;
    stateDir?: string;
    /** Diagnostics for whoever runs Vigil (default: stderr). What the user must see is an event. */
    logger?: Logger;
    /** What "open config" does in this host (default: answer with the file's path). */
    openConfig?: (configPath: string) => Promise<CommandResult>;
    /** Features plugged into every supervisor, and strict transitions (tests). */
    supervisor?: SupervisorExtras;
    /** The host running this core, recorded in the state directory's lock for a second instance to name. */
    host?: VigilHost;
}
export interface VigilCore extends VigilService {
    readonly configPath: string;
    readonly stateDir: string;
    /** Re-read the config file now and apply it (edits are picked up by themselves too). */
    reloadConfig(): Promise<void>;
    /** Where this instance's dashboard is, so a second Vigil on the same state directory can name it. */
    setDashboardUrl(url: string | null): void;
}
export declare function createVigil(opts?: CreateVigilOptions): Promise<VigilCore>;
