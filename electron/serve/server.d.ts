import type { VigilService } from '../common/api.js';
import { type Bridge } from './ws-bridge.js';
export interface ServerOptions {
    service: VigilService;
    host?: string;
    port?: number;
    token?: string;
    allowRemote?: boolean;
    rendererDir?: string;
    log?: (msg: string) => void;
}
export interface RunningServer {
    /** Dashboard URL with the token. */
    url: string;
    port: number;
    token: string;
    bridge: Bridge;
    close(): Promise<void>;
}
export declare class ServerConfigError extends Error {
}
export declare function isLoopback(host: string): boolean;
/** The option checks that need no socket, so a CLI can run them before starting the core. */
export declare function checkServerOptions(opts: Pick<ServerOptions, 'host' | 'token' | 'allowRemote'>): void;
/** Fails like startServer would when the port is taken, without holding it (checked before backends are started). */
export declare function checkPortFree(host: string, port: number): Promise<void>;
export declare function startServer(opts: ServerOptions): Promise<RunningServer>;
