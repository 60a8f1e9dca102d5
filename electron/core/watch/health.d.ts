import { type HealthResult } from '../health/http-probe.js';
import type { WatchListen } from '../../common/watch.js';
export interface ProbeVerdict {
    /** The server answered (any HTTP status below 500, or 503 while it loads). */
    ok: boolean;
    detail: string;
}
/** What an HTTP answer means for a server we only watch: anything below 500 proves it serves; 503 is llama.cpp's "loading". */
export declare function verdictOf(r: HealthResult, path: string, port: number): ProbeVerdict;
/** The address to connect to for a listening socket: its own, or loopback for a wildcard bind. */
export declare function connectHost(l: WatchListen): string;
/**
 * The socket to probe: the port the command line names, else the program's
 * default port, else the lowest; IPv4 before IPv6 for the same port.
 */
export declare function pickListen(listen: readonly WatchListen[], preferred: readonly (number | null)[]): WatchListen | null;
/** One watched server's probe channel (kept alive between probes). */
export declare class WatchProbe {
    private readonly conn;
    probe(l: WatchListen, path: string, timeoutMs: number): Promise<ProbeVerdict>;
    close(): void;
}
/** GET a JSON document; null on any failure (models are a nicety, never an alarm). */
export declare function getJson(l: WatchListen, path: string, timeoutMs: number): Promise<unknown>;
/**
 * Model names from the JSON the servers list them in: OpenAI `/v1/models`
 * (`data[].id`; LM Studio's `/api/v0/models` adds `state`, and only loaded
 * ones count), Ollama `/api/ps` (`models[].name`), llama-swap `/running`
 * (`running[].model`), lemonade's health (`model_loaded`), KoboldCpp
 * `/api/v1/model` (`result`).
 */
export declare function modelsFrom(body: unknown): string[];
