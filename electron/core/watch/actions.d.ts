import type { Tracked } from './tracked.js';
/** What adopting a server needs: its command line, working directory and environment, and where its API answers. */
export interface AdoptionSpec {
    argv: string[];
    cwd: string | null;
    /** Its environment when readable (another user's is not). */
    env: Record<string, string> | null;
    /** The port it serves on (the one its command line names, else its program's default, else its lowest); null when it listens on none. */
    port: number | null;
    /** The health path its kind answers on; null without a port, or for a rule without a probe. */
    health: string | null;
}
export interface ActionResult {
    ok: boolean;
    detail: string;
}
export declare class ServerActions {
    private readonly procRoot;
    constructor(procRoot: string);
    private refusal;
    stop(t: Tracked | undefined, opts: {
        signal?: NodeJS.Signals;
        graceMs?: number;
    }): Promise<ActionResult>;
    restartUnit(t: Tracked | undefined): Promise<ActionResult>;
    adoptionSpec(t: Tracked | undefined): AdoptionSpec | null;
}
