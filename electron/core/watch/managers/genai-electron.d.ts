import type { WatchedServer } from '../../../common/watch.js';
/** The argument pattern genai-electron's buildLlamaServerArgs always writes: `-n -1` and `-fit`. */
export declare function isGenaiElectronArgv(argv: readonly string[]): boolean;
/** Its name for the model: the alias when the app set one, else the model file's name without `.gguf`. */
export declare function genaiElectronModel(s: WatchedServer): string | null;
