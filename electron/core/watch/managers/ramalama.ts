// RamaLama (`ramalama serve --nocontainer`): runs `llama-server --host …
// --port … --model <store blob> --no-warmup --alias NAME …` in its process
// group. It has no API of its own; its name for the model is the alias it
// passes. Stopping ramalama leaves that server reparented to init.
import type { WatchedServer } from '../../../common/watch.js';
import { aliasOf } from './router.js';

/** Whether the server's manager is RamaLama (its script's comm). */
export const startedByRamalama = (s: WatchedServer): boolean => s.manager?.comm === 'ramalama';

export function ramalamaModel(s: WatchedServer): string | null {
  return startedByRamalama(s) ? aliasOf(s.cmdline) : null;
}
