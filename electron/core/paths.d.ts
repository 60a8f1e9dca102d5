type Env = Record<string, string | undefined>;
/** `--config <path>` / `--config=<path>`, then VIGIL_CONFIG, then $XDG_CONFIG_HOME/vigil/config.yaml, then ~/.config/vigil/config.yaml. */
export declare function resolveConfigPath(argv?: readonly string[], env?: Env, home?: string): string;
/** $XDG_STATE_HOME/vigil, else ~/.local/state/vigil (VIGIL_STATE_DIR overrides, for tests and `serve`). */
export declare function resolveStateDir(env?: Env, home?: string): string;
export declare function logsDir(stateDir: string): string;
export declare function backendLogPath(stateDir: string, id: string): string;
/** mkdir -p that throws the real cause: a recursive mkdir under a read-only mount says ENOENT, not EROFS. */
export declare function makeDir(dir: string): void;
export {};
