// A real core (createVigil) over a temp config and state dir, for tests and
// benches that drive llama-server through the VigilService API.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { BackendView, VigilEvent } from '../../electron/common/state.js';
import { createVigil, type CreateVigilOptions, type VigilCore } from '../../electron/core/vigil.js';
import { waitUntil } from '../supervisor-harness.js';

export interface RunningVigil {
  core: VigilCore;
  dir: string;
  /** The one backend's view (or the named one's). */
  view(id?: string): BackendView;
  /** Waits until the backend's view satisfies `cond`; the error shows the last view and the journal's transitions. */
  until(cond: (b: BackendView) => boolean, timeoutMs: number, id?: string): Promise<void>;
  /** The backend's events from the journal, oldest first. */
  events(id?: string): Promise<VigilEvent[]>;
  close(): Promise<void>;
}

const running: RunningVigil[] = [];

/**
 * Starts a core supervising `backends` (each as written in the config file;
 * `config` adds other top-level keys, e.g. `sampling`).
 * No kernel-log sources unless `opts` asks for them, so tests do not read
 * the machine's kernel log by accident.
 */
export async function startVigil(backends: Record<string, Record<string, unknown>>, opts: CreateVigilOptions = {}, config: Record<string, unknown> = {}): Promise<RunningVigil> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-llama-'));
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, stringify({ version: 1, ...config, backends }));
  const core = await createVigil({ configPath, stateDir: path.join(dir, 'state'), kmsgPath: null, journalctl: null, ...opts });
  const first = Object.keys(backends)[0]!;
  const view = (id = first): BackendView => {
    const b = core.getState().backends.find((x) => x.id === id);
    if (!b) throw new Error(`no backend '${id}' in state (config errors: ${JSON.stringify(core.getState().config.errors)})`);
    return b;
  };
  const events = (id = first): Promise<VigilEvent[]> => core.getEvents({ backend: id, limit: 10_000 });
  let closed = false;
  const v: RunningVigil = {
    core,
    dir,
    view,
    events,
    until: async (cond, timeoutMs, id = first) => {
      try {
        await waitUntil(() => cond(view(id)), timeoutMs, () => `backend ${id}: ${JSON.stringify(view(id))}`);
      } catch (e) {
        const trail = (await events(id)).map((x) => `${x.kind} ${x.to ?? ''} ${x.reason}`).join('\n  ');
        throw new Error(`${(e as Error).message}\nevents:\n  ${trail}`, { cause: e });
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await core.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.push(v);
  return v;
}

/** For afterEach: shut down every core started since (its backends are stopped) and remove their dirs. */
export async function cleanupVigils(): Promise<void> {
  for (const v of running.splice(0)) await v.close();
}
