// genai-electron (npm) starting the test bed's real llama-server through its
// Electron-free launcher, as an Electron app would: Vigil watches the server
// with the app as its manager, names its model as the app does (its alias),
// and sees the exit of a SIGKILL — the account the app itself keeps
// only inside its process.
import { afterEach, describe, expect } from 'vitest';
import { waitFor } from '../helpers.js';
import { itLlama } from '../llama/it-llama.js';
import { llamaServerPath, model } from '../llama/testbed.js';
import { watchManaged } from '../watch/managed.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch {
      /* best effort */
    }
  }
});

describe('genai-electron, for real', () => {
  itLlama('its launcher\'s llama-server is watched under the app with the app\'s name for the model; a SIGKILL is seen', async () => {
    const { startLlamaServerRunner } = await import('genai-electron/llama-server-launch');
    const h = await startLlamaServerRunner({
      binaryPath: llamaServerPath().path!,
      model: { path: await model('tiny') },
      config: { threads: 1, modelAlias: 'tiny-chat' },
      contextSize: 512,
      parallelRequests: 1,
      startupTimeoutMs: 60_000,
    });
    cleanups.push(() => h.stop());
    // Watching starts once it runs: a child seen between its fork and its exec would not be re-read for minutes.
    const m = await watchManaged();
    cleanups.push(() => m.close());
    const v = await waitFor(() => m.byPid(h.pid), 10_000, 'the launcher\'s llama-server watched');
    expect(v).toMatchObject({ kind: 'llama-server', manager: { pid: process.pid }, managedModel: 'tiny-chat', status: 'running' });
    expect(v.cmdline).toEqual(expect.arrayContaining(['-n', '-1', '-fit', 'off', '--alias', 'tiny-chat']));

    const killedAt = Date.now();
    process.kill(h.pid, 'SIGKILL');
    const exit = await h.exitPromise;
    expect(exit.signal).toBe('SIGKILL'); // the app, its parent, learns the signal
    const gone = await waitFor(() => {
      const x = m.byPid(h.pid);
      return x && x.status === 'gone' ? x : null;
    }, 10_000, 'the exit seen');
    // This exit, not an earlier one (a bound that only a wrong match breaks, not a slow machine).
    expect(gone.exitedAt!).toBeGreaterThanOrEqual(killedAt - 1000);
    expect(gone.managedModel).toBe('tiny-chat');
  }, 120_000);
});
