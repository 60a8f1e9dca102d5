import type { BackendConfig, VigilConfig } from '../../common/config-schema.js';
export interface FleetChanges {
    removed: string[];
    added: BackendConfig[];
    changed: {
        config: BackendConfig;
        restart: boolean;
    }[];
}
export declare function needsRestart(before: BackendConfig, after: BackendConfig): boolean;
export declare function diffBackends(before: ReadonlyMap<string, BackendConfig>, after: ReadonlyMap<string, BackendConfig>): FleetChanges;
/** The config file's backends, each with its id. */
export declare function backendsOf(config: VigilConfig | null): Map<string, BackendConfig>;
