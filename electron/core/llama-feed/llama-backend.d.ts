import type { SupervisedBackendConfig } from '../supervisor/types.js';
/** `llama: true|false` in the config decides; unset, a command whose program is named llama-server is one. */
export declare function isLlamaBackend(cfg: SupervisedBackendConfig): boolean;
/**
 * An API key the server was started with (`--api-key`, `--api-key-file`, or
 * their environment variables), so /slots, /metrics and the generation probe
 * are let in; null when it has none or the key file cannot be read.
 */
export declare function apiKeyOf(cfg: SupervisedBackendConfig, env?: NodeJS.ProcessEnv): string | null;
