import { type WatchKind } from '../../common/watch.js';
export interface ProcessIdentity {
    /** /proc/<pid>/cmdline split at NULs (empty for kernel threads and zombies). */
    argv: readonly string[];
    /** /proc/<pid>/exe when readable: decides when argv[0] was rewritten (`exec -a`, setproctitle). */
    exe?: string | null;
}
/** Where the server's own API answers: health path and, where it lists them, its models. */
export interface HealthPlan {
    /** GET path; any HTTP answer below 500 means the server answers (503 means loading). null: no probe. */
    path: string | null;
    /** GET path whose JSON names the models (read far less often than `path`). */
    modelsPath: string | null;
}
export interface CatalogMatch {
    kind: WatchKind;
    label: string;
    /** The model the command line names, when it does. */
    model: string | null;
    /** Port the command line names (--port, --listen …); null when it names none. */
    port: number | null;
    /** The program's default port: a hint for choosing among its listening sockets, never a claim. */
    defaultPort: number | null;
    health: HealthPlan;
    /**
     * A short-lived helper of a server that is no alarm when it comes and goes
     * (Ollama's GPU-discovery runners): never listed.
     */
    transient: boolean;
}
interface Program {
    /** Basename of the program that decides: the binary, or the script/module an interpreter runs. */
    name: string;
    /** Arguments after the program (after the script or module for interpreters). */
    args: readonly string[];
    /** Set when run as `python -m MODULE`. */
    module: string | null;
}
/** The program that decides what a process is, looking through an interpreter to its script or module. */
export declare function programOf(id: ProcessIdentity): Program | null;
/** Value of the first of `names` (`--x V` or `--x=V`); null when absent. */
export declare function flagValue(args: readonly string[], ...names: string[]): string | null;
/** llama.cpp's router mode: `--models-dir DIR` or `--models-preset INI` (its children are the servers). */
export declare function isRouterArgv(args: readonly string[]): boolean;
/** A port number from '8080', ':8080', '0.0.0.0:8080', '[::]:8080'; null otherwise. */
export declare function portOf(v: string | null): number | null;
/** What server this process is, or null when the catalog does not know it. */
export declare function classify(id: ProcessIdentity): CatalogMatch | null;
export {};
