export declare function defaultRendererDir(env?: NodeJS.ProcessEnv): string;
export declare function packageVersion(): string;
/** bin/vigil.mjs of this installation: what a systemd unit runs. */
export declare function binPath(): string;
