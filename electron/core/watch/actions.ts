// Carrying out the actions `watchActions` offers for a watched server. Stop
// signals the process through its pidfd (never a recycled pid), and never
// its process group: that group belongs to whoever started it (a shell's
// job, the manager's own group). Restart runs systemctl on its unit and
// reports systemctl's own words when refused. Adopt is the core's to finish
// (stop, then start the same argv as a backend); this gives it what it needs.
import { execFile } from 'node:child_process';
import { LibcError, sendSignal } from '../../../native-bindings/process.js';
import { unitRestartArgv, watchActions } from '../../common/watch.js';
import { pickListen } from './health.js';
import { readEnviron, readLink } from '../procfs/proc-info.js';
import type { Tracked } from './tracked.js';

/** What adopting a server needs: its command line, working directory and environment, and where its API answers. */
export interface AdoptionSpec {
  argv: string[];
  cwd: string | null;
  /** Its environment when readable (another user's is not). */
  env: Record<string, string> | null;
  /** The port it serves on (the one its command line names, else its program's default, else its lowest); null when it listens on none. */
  port: number | null;
  /** The health path its kind answers on; null without a port, or for a rule without a probe. */
  health: string | null;
}

export interface ActionResult {
  ok: boolean;
  detail: string;
}

const KILL_WAIT_MS = 5000;

function waitExit(t: Tracked, ms: number): Promise<boolean> {
  if (t.view.exitedAt !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      t.exitWaiters = t.exitWaiters.filter((w) => w !== done);
      resolve(false);
    }, ms);
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    t.exitWaiters.push(done);
  });
}

export class ServerActions {
  constructor(private readonly procRoot: string) {}

  private refusal(t: Tracked | undefined, action: 'stop' | 'restart' | 'adopt'): string | null {
    if (!t) return 'no such watched server';
    const a = watchActions(t.view, { uid: process.getuid?.() ?? -1 }).find((x) => x.action === action)!;
    return a.available ? null : a.why;
  }

  async stop(t: Tracked | undefined, opts: { signal?: NodeJS.Signals; graceMs?: number }): Promise<ActionResult> {
    const refused = this.refusal(t, 'stop');
    if (refused || !t) return { ok: false, detail: refused ?? 'no such watched server' };
    const name = `${t.view.comm} ${t.view.pid}`;
    const handle = t.handle;
    if (!handle) return { ok: false, detail: `${name}: no pidfd to signal it through` };
    const first = opts.signal ?? 'SIGTERM';
    try {
      if (!sendSignal(handle, first)) return { ok: true, detail: `${name} had already exited` };
      if (await waitExit(t, opts.graceMs ?? 10_000)) return { ok: true, detail: `${name} exited after ${first}` };
      if (!sendSignal(handle, 'SIGKILL')) return { ok: true, detail: `${name} exited after ${first}` };
      if (await waitExit(t, KILL_WAIT_MS)) return { ok: true, detail: `${name} killed with SIGKILL after ${first} was ignored for ${opts.graceMs ?? 10_000} ms` };
      return { ok: false, detail: `${name} did not exit even after SIGKILL (uninterruptible sleep?)` };
    } catch (e) {
      if (e instanceof LibcError) return { ok: false, detail: `cannot signal ${name}: ${e.message}` };
      throw e;
    }
  }

  restartUnit(t: Tracked | undefined): Promise<ActionResult> {
    const refused = this.refusal(t, 'restart');
    const argv = t ? unitRestartArgv(t.view.unit) : null;
    if (refused || !argv) return Promise.resolve({ ok: false, detail: refused ?? 'no systemd unit' });
    return new Promise((resolve) => {
      execFile(argv[0]!, argv.slice(1), { timeout: 120_000 }, (err, stdout, stderr) => {
        const said = `${stderr}${stdout}`.trim();
        if (!err) resolve({ ok: true, detail: `${argv.join(' ')}: done${said ? ` (${said})` : ''}` });
        else resolve({ ok: false, detail: `${argv.join(' ')} failed: ${said || err.message}` });
      });
    });
  }

  adoptionSpec(t: Tracked | undefined): AdoptionSpec | null {
    if (this.refusal(t, 'adopt') || !t) return null;
    const l = pickListen(t.view.listen, [t.cand.port, t.cand.defaultPort]);
    return {
      argv: [...t.view.cmdline],
      cwd: readLink(this.procRoot, t.view.pid, 'cwd'),
      env: readEnviron(this.procRoot, t.view.pid),
      port: l?.port ?? null,
      health: l ? t.cand.health.path : null,
    };
  }
}
