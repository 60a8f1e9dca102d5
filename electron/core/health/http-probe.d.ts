export type HealthOutcome = 'ready' | 'loading' | 'refused' | 'failure';
export interface HealthResult {
    outcome: HealthOutcome;
    /** HTTP status when one arrived. */
    status: number | null;
    /** Wall time of the probe, ms. */
    latencyMs: number;
    /** What went wrong, for reasons/logs ('timeout after 2000 ms', 'HTTP 500', 'ECONNRESET'). */
    detail: string;
}
export interface ProbeTarget {
    port: number;
    path: string;
    timeoutMs: number;
    host?: string;
    /** Keep-alive connection to reuse; without one each probe connects and closes. */
    conn?: ProbeConnection;
}
/**
 * One backend process's probe channel: at most one open socket, reused
 * between probes while the server keeps it alive. destroy() when the
 * process goes. Probes on one connection must not overlap (the supervisor
 * runs one at a time).
 */
export declare class ProbeConnection {
    private sock;
    private key;
    private request;
    private requestKey;
    private pending;
    private buf;
    private readonly readBuf;
    private destroyed;
    /** GET path on host:port; never rejects. */
    probe(t: ProbeTarget, started?: number, mayRetry?: boolean): Promise<HealthResult>;
    destroy(): void;
    private open;
    private drop;
    private requestFor;
    private onBytes;
    private onError;
    private onClose;
    private retry;
    private finish;
}
/** GET http://host:port/path once; never rejects. Without `conn`, on a connection of its own, closed after. */
export declare function probeHealth(t: ProbeTarget): Promise<HealthResult>;
