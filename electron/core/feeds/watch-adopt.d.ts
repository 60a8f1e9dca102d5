import type { WatchedServer } from '../../common/watch.js';
import type { AdoptionSpec } from '../watch/index.js';
/** A backend id from the server's label and port: 'llama-server-8080', unique among `taken`. */
export declare function adoptedId(server: Pick<WatchedServer, 'label' | 'comm'>, port: number | null, taken: ReadonlySet<string>): string;
/** The environment variables of the server that Vigil's own environment lacks or sets differently. */
export declare function envDifference(theirs: Readonly<Record<string, string>> | null, ours: Readonly<Record<string, string | undefined>>): Record<string, string>;
/** argv with its program named by full path when the server ran a bare name its own PATH resolved. */
export declare function resolvedArgv(argv: readonly string[], exe: string | null): string[];
/** The backend config (as the config file would hold it) that runs the adopted server. */
export declare function adoptedBackend(server: WatchedServer, spec: AdoptionSpec, ownEnv: Readonly<Record<string, string | undefined>>): Record<string, unknown>;
