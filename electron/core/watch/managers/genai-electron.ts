// genai-electron (npm): an Electron app's in-process manager; it starts
// `llama-server -m <userData>/models/llm/<file> --jinja --port N -n -1 …
// -fit off [--alias NAME]` as a child of the app. It has no API: its own
// account ("stopped" after a SIGKILL of its child, not "crashed", and no
// restart) lives only inside the app, so Vigil's card is the truth beside it.
import path from 'node:path';
import type { WatchedServer } from '../../../common/watch.js';
import { flagValue } from '../catalog.js';
import { aliasOf } from './router.js';

/** The argument pattern genai-electron's buildLlamaServerArgs always writes: `-n -1` and `-fit`. */
export function isGenaiElectronArgv(argv: readonly string[]): boolean {
  const n = argv.indexOf('-n');
  return n >= 0 && argv[n + 1] === '-1' && argv.includes('-fit') && flagValue(argv, '-m') !== null;
}

/** Its name for the model: the alias when the app set one, else the model file's name without `.gguf`. */
export function genaiElectronModel(s: WatchedServer): string | null {
  if (!isGenaiElectronArgv(s.cmdline)) return null;
  const alias = aliasOf(s.cmdline);
  if (alias) return alias;
  const m = flagValue(s.cmdline, '-m');
  return m ? path.posix.basename(m).replace(/\.gguf$/i, '') : null;
}
