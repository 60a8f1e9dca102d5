// One Vigil per state directory, with real processes: a second core is
// refused in one line naming the holder's pid and dashboard and starts
// nothing; the lock dies with its holder (SIGKILL included); a lock file a
// dead process left behind holds nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lineLogger } from './diagnostics.js';
import { acquireInstanceLock, InstanceLockedError, LOCK_FILE, lockedBy } from './instance-lock.js';
import { FAKE_SERVER, waitUntil } from '../../test-support/supervisor-harness.js';
import { createVigil, type VigilCore } from './vigil.js';

const RUN_CORE = path.resolve(import.meta.dirname, '../../test-support/run-core.ts');
const quiet = lineLogger(() => undefined);
const dirs: string[] = [];
const children: ChildProcess[] = [];
const cores: VigilCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.shutdown();
  for (const ch of children.splice(0)) if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-lock-'));
  dirs.push(d);
  return d;
}

/** Live fake servers started with our tag (zombies excluded). */
function fixturePids(tag: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (argv.includes(FAKE_SERVER) && argv.includes(tag) && !/\) Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8'))) out.push(Number(p));
    } catch {
      // raced with an exit
    }
  }
  return out;
}

describe('one Vigil per state directory', () => {
  it('a second core is refused with the holder\'s pid and dashboard and starts nothing; after the holder is SIGKILLed the directory is free', async () => {
    const dir = tmp();
    const tag = `lock-${process.pid}`;
    const cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, `backends:
  ${tag}:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}", --alias, ${tag}]
    health: { interval: 200ms, timeout: 300ms }
    stop: { grace: 2s }
`);
    const state = path.join(dir, 'state');
    const url = 'http://127.0.0.1:7777/?token=abc';
    const holder = spawn(process.execPath, ['--import', 'tsx', RUN_CORE, cfg, state], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, VIGIL_DASHBOARD_URL: url } });
    children.push(holder);
    let out = '';
    holder.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    await waitUntil(() => /"status":"ready"/.test(out), 20_000, () => `holder output: ${out.slice(-300)}`);
    await waitUntil(() => readFileSync(path.join(state, LOCK_FILE), 'utf8').includes(url), 30_000, () => 'dashboard URL in the lock file');
    const [backendPid] = fixturePids(tag);

    const err = await createVigil({ configPath: cfg, stateDir: state, kmsgPath: null, journalctl: null, logger: quiet }).then(
      (c) => {
        cores.push(c);
        return null;
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InstanceLockedError);
    const e = err as InstanceLockedError;
    expect(e.holder?.pid).toBe(holder.pid);
    expect(e.message).toBe(`another Vigil (pid ${holder.pid}) is already running with state directory ${state}; its dashboard: ${url}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(fixturePids(tag)).toEqual([backendPid]); // the refused core neither spawned nor adopted

    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const next = await createVigil({ configPath: cfg, stateDir: state, kmsgPath: null, journalctl: null, logger: quiet });
    cores.push(next);
    expect(next.getState().backends[0]).toMatchObject({ pid: backendPid, adopted: true });
    expect(JSON.parse(readFileSync(path.join(state, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, dashboardUrl: null });
  }, 180_000);

  it('is the directory, not its path: a symlink to a held directory is refused too; release frees it', async () => {
    const dir = tmp();
    const state = path.join(dir, 'state');
    mkdirSync(state);
    symlinkSync(state, path.join(dir, 'alias'));
    const lock = await acquireInstanceLock(state, quiet);
    lock.setDashboardUrl('http://127.0.0.1:1/?token=t');
    await expect(acquireInstanceLock(path.join(dir, 'alias'), quiet)).rejects.toThrow(`another Vigil (pid ${process.pid}) is already running with state directory ${path.join(dir, 'alias')}; its dashboard: http://127.0.0.1:1/?token=t`);
    await lock.release();
    expect(existsSync(path.join(state, LOCK_FILE))).toBe(false);
    const again = await acquireInstanceLock(path.join(dir, 'alias'), quiet);
    await again.release();
  });

  it('held by the desktop app (a window, no URL): the refusal names the app and where to find it; lockedBy sees it without taking it', async () => {
    const state = tmp();
    expect(await lockedBy(state)).toBeNull();
    expect(await lockedBy(path.join(state, 'missing'))).toBeNull();
    const lock = await acquireInstanceLock(state, quiet, 'desktop');
    const line = `the Vigil desktop app (pid ${process.pid}) is already running with state directory ${state}; use its window (click its tray icon)`;
    await expect(acquireInstanceLock(state, quiet)).rejects.toThrow(line);
    const seen = await lockedBy(state);
    expect(seen?.message).toBe(line);
    expect(seen?.holder).toMatchObject({ pid: process.pid, host: 'desktop', dashboardUrl: null });
    // Looking did not take it: still held, and free once released.
    await expect(acquireInstanceLock(state, quiet)).rejects.toThrow(InstanceLockedError);
    await lock.release();
    expect(await lockedBy(state)).toBeNull();
    (await acquireInstanceLock(state, quiet)).release();
  });

  it('a lock file left by a process that is gone holds nothing', async () => {
    const state = tmp();
    writeFileSync(path.join(state, LOCK_FILE), JSON.stringify({ pid: 999_999, startTime: 1, since: 0, dashboardUrl: 'http://old' }));
    const lock = await acquireInstanceLock(state, quiet);
    expect(JSON.parse(readFileSync(path.join(state, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, dashboardUrl: null });
    // While held, a refusal names no pid the file cannot vouch for.
    writeFileSync(path.join(state, LOCK_FILE), 'torn');
    await expect(acquireInstanceLock(state, quiet)).rejects.toThrow(/^another Vigil is already running with state directory .*; it has published no dashboard URL/);
    await lock.release();
  });
});
