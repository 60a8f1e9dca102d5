// genai-electron (npm): an Electron app's in-process manager. Its launcher
// starts `llama-server -m FILE --jinja --port N … -n -1 -fit off [--alias
// NAME]`; its LlamaServerManager runs the binary it keeps at
// `<userData>/binaries/llama/llama-server` on a model whose metadata it
// keeps at `<userData>/models/llm/<id>.json`. It has no API: its own account
// ("stopped" after a SIGKILL of its child, not "crashed", and no restart)
// lives only inside the app, so Vigil's card is the outside truth beside it.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { WatchedServer } from '../../../common/watch.js';
import { flagValue } from '../catalog.js';
import { field, str } from './json.js';
import { aliasOf } from './router.js';

const MANAGED_BINARY = /^(.*)\/binaries\/llama\/llama-server$/;

/** Its launcher's signature (`-n -1` and `-fit`), or its manager's binary folder. */
export function isGenaiElectronArgv(argv: readonly string[]): boolean {
  if (flagValue(argv, '-m') === null) return false;
  if (MANAGED_BINARY.test(argv[0] ?? '')) return true;
  const n = argv.indexOf('-n');
  return n >= 0 && argv[n + 1] === '-1' && argv.includes('-fit');
}

/** The name the app's model store gives a model file (`<userData>/models/llm/*.json`); null when none does. */
function storedName(userData: string, file: string): string | null {
  const dir = path.join(userData, 'models', 'llm');
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return null;
  }
  for (const n of names) {
    try {
      const meta: unknown = JSON.parse(readFileSync(path.join(dir, n), 'utf8'));
      if (str(field(meta, 'path')) === file) return str(field(meta, 'name')) ?? str(field(meta, 'id'));
    } catch {
      // a metadata file being written: not a name
    }
  }
  return null;
}

/** Its name for the model: the alias it set, else its model store's name, else the file's name without `.gguf`. */
export function genaiElectronModel(s: WatchedServer): string | null {
  if (!isGenaiElectronArgv(s.cmdline)) return null;
  const alias = aliasOf(s.cmdline);
  if (alias) return alias;
  const m = flagValue(s.cmdline, '-m')!;
  const userData = MANAGED_BINARY.exec(s.cmdline[0] ?? '')?.[1];
  return (userData ? storedName(userData, m) : null) ?? path.posix.basename(m).replace(/\.gguf$/i, '');
}
