export declare const UNIT_NAME = "vigil.service";
/**
 * Node flags of the service. An idle monitor gains nothing from V8's
 * optimizing compilers; --lite-mode leaves them (and their code pages) out
 * and keeps the young generation small, about 11 MiB less resident for the
 * same idle CPU (BENCHMARKS.md, host).
 */
export declare const SERVICE_NODE_FLAGS: readonly string[];
export declare const DEFAULT_SERVICE_PORT = 8765;
export interface UnitOptions {
    node: string;
    /** bin/vigil.mjs of this installation. */
    cli: string;
    port: number;
    envFile: string;
    config?: string;
}
export declare function serviceUnit(o: UnitOptions): string;
export interface InstallResult {
    unitPath: string;
    envFile: string;
    url: string;
}
/** Write the unit and (once) the token file; returns where and the dashboard URL. */
export declare function writeService(env: NodeJS.ProcessEnv, o: {
    cli: string;
    port: number;
    config?: string;
}): InstallResult;
/** `systemctl --user daemon-reload` and `enable --now`; the first error is returned as text. */
export declare function enableService(): string | null;
