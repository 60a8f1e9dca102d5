// genai-electron's own LlamaServerManager, in plain Node with the electron
// stand-in for app.getPath, starting the test bed's real llama-server: Vigil
// watches it under the app with the app's name for its model; when the
// server is SIGKILLed, the app's own account is "stopped" (not "crashed",
// and no restart) while Vigil saw it killed the moment it happened.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect } from 'vitest';
import { describeWatched } from '../../electron/common/watch.js';
import { pickFreePort, tempDir, waitFor } from '../helpers.js';
import { itLlama } from '../llama/it-llama.js';
import { llamaServerPath, model } from '../llama/testbed.js';
import { watchManaged } from '../watch/managed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
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

interface AppLine {
  event?: string;
  status?: string;
  started?: boolean;
  pid?: number;
  error?: string;
}

/** The app: genai-electron's manager in a node process of its own (the electron stand-in registered), its JSON lines collected. */
function startApp(userData: string, port: number, modelFile: string): { app: ChildProcess; lines: AppLine[]; ask(cmd: string): void } {
  const app = spawn(process.execPath, ['--import', path.join(here, 'register.mjs'), path.join(here, 'manager-app.mjs'), llamaServerPath().path!, modelFile, String(port)], {
    env: { ...process.env, VIGIL_GENAI_USERDATA: userData },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: AppLine[] = [];
  createInterface({ input: app.stdout! }).on('line', (l) => {
    try {
      lines.push(JSON.parse(l) as AppLine);
    } catch {
      /* its own logging */
    }
  });
  return { app, lines, ask: (cmd) => app.stdin!.write(`${cmd}\n`) };
}

describe('genai-electron\'s manager, for real', () => {
  itLlama('its server is watched under the app with the app\'s model name; SIGKILLed, the app says "stopped" while Vigil saw the kill', async () => {
    const ud = tempDir('vigil-genai-userdata-');
    cleanups.push(ud.cleanup);
    const a = startApp(ud.dir, await pickFreePort(), await model('tiny'));
    cleanups.push(() => {
      a.app.kill('SIGKILL');
    });
    const started = await waitFor(() => a.lines.find((l) => l.started || l.error), 60_000, 'the app to start its server');
    expect(started.error).toBeUndefined();
    const pid = started.pid!;
    // Watching starts once it runs: a child seen between its fork and its exec would not be re-read for minutes.
    const m = await watchManaged();
    cleanups.push(() => m.close());
    const v = await waitFor(() => m.byPid(pid), 10_000, 'the app\'s llama-server watched');
    expect(v).toMatchObject({ kind: 'llama-server', manager: { pid: a.app.pid }, managedModel: 'tiny', status: 'running' });
    expect(v.cmdline[0]).toBe(path.join(ud.dir, 'binaries', 'llama', 'llama-server'));

    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    const gone = await waitFor(() => {
      const x = m.byPid(pid);
      return x && x.status === 'gone' ? x : null;
    }, 10_000, 'the kill seen');
    // This exit, not an earlier one (a bound that only a wrong match breaks, not a slow machine).
    expect(gone.exitedAt!).toBeGreaterThanOrEqual(killedAt - 1000);
    expect(describeWatched(gone, Date.now())).toMatch(new RegExp(`^llama-server ${pid} exited`));

    // The app's own account of the same moment: "stopped", and it does not start it again.
    a.ask('status');
    const said = await waitFor(() => a.lines.filter((l) => l.status && !l.event && !l.started).at(-1), 10_000, 'the app\'s status');
    expect(said.status).toBe('stopped');
    expect(a.lines.some((l) => l.event === 'crashed' || l.event === 'restarted')).toBe(false);
  }, 120_000);
});
