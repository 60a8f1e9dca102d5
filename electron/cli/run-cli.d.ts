export interface CliIo {
    stdin: NodeJS.ReadableStream;
    stdout: {
        write(s: string): unknown;
    };
    stderr: {
        write(s: string): unknown;
    };
    env: NodeJS.ProcessEnv;
    /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
    stopSignal(): Promise<string>;
}
export declare const HELP = "usage: vigil <command> [options]\n\ncommands:\n  serve [--config P] [--host H] [--port N] [--token T] [--allow-remote] [--state-dir D] [--open]\n        run the monitor headless and serve the dashboard, REST API (/api/\u2026) and\n        Prometheus metrics (/metrics, needs 'Authorization: Bearer <token>');\n        the token is --token, else $VIGIL_TOKEN, else random\n  oom-scan [FILE|-] [--json]\n        list OOM kills found in a saved kernel log / dmesg / journalctl output\n  import-llama-swap SRC [DEST]\n        write a Vigil config from a llama-swap config (DEST defaults to the Vigil config path)\n  install-service [--port N] [--config P] [--enable]\n        write a systemd user unit that runs 'vigil serve' at login (with a stable token);\n        --enable also runs systemctl --user daemon-reload and enable --now\n  fit MODEL.gguf [llama-server flags\u2026] [--memory-limit SIZE] [--json]\n  fit --backend ID [--config P] [--json]\n        will it fit? llama-server's predicted memory and the verdict for this machine\n\n  --help, -h       this text\n  --version, -v    print the version\n";
/** xdg-open only where a desktop session exists; detached so Vigil does not wait for the browser. */
export declare function openBrowser(url: string, env: NodeJS.ProcessEnv, log: (m: string) => void): void;
export declare function runCli(argv: string[], io: CliIo): Promise<number>;
