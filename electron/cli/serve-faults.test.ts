// A real `vigil serve` whose state directory (a small tmpfs) fills up or
// turns read-only under it: the process keeps running, every event still
// reaches the API (the journal's unwritten ones included), one event says why
// the journal cannot be written, and when the file system takes writes again
// every event is on disk exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import type { VigilEvent, VigilState } from '../common/state.js';
import { waitFor } from '../../test-support/helpers.js';
import { itPrivileged } from '../../test-support/privileged.js';
import { mountCapability, smallMount, type SmallMount } from '../../test-support/small-mount.js';
import { FAKE_SERVER } from '../../test-support/supervisor-harness.js';

const CLI = path.resolve(import.meta.dirname, 'vigil.ts');
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Serve {
  child: ChildProcess;
  config: string;
  stderr(): string;
  api<T>(p: string): Promise<T>;
  state(): Promise<VigilState>;
  events(): Promise<VigilEvent[]>;
}

/** `crashy` crashes 1.2 s after each start and is restarted; `steady` stays up. */
function configFor(dir: string, withCrashy: boolean): string {
  const node = JSON.stringify(process.execPath);
  const fake = JSON.stringify(FAKE_SERVER);
  const cfg = path.join(dir, 'config.yaml');
  const pids = JSON.stringify(path.join(dir, 'pids'));
  writeFileSync(
    cfg,
    `backends:
${withCrashy ? `  crashy:
    cmd: [${node}, ${fake}, --port, "\${PORT}", --crash-after-ms, "1200", --pid-file, ${pids}]
    health: { interval: 200ms, timeout: 500ms }
    restart: { policy: always, backoff: { initial: 300ms, factor: 1, max: 300ms }, limit: { count: 1000, window: 1m } }
    stop: { grace: 1s }
` : ''}  steady:
    cmd: [${node}, ${fake}, --port, "\${PORT}", --pid-file, ${pids}]
    health: { interval: 200ms, timeout: 500ms }
    stop: { grace: 1s }
`,
  );
  return cfg;
}

async function serve(stateDir: string, withCrashy: boolean): Promise<Serve> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-serve-fault-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  // Where the core falls over, its backends outlive it: stop every one the fixtures recorded.
  cleanups.push(() => killRecorded(path.join(dir, 'pids')));
  const cfg = configFor(dir, withCrashy);
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--config', cfg, '--state-dir', stateDir, '--port', '0'], {
    env: { ...process.env, VIGIL_RENDERER_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  });
  const m = await waitFor(() => /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/.exec(out), 30_000, `the dashboard URL (stderr: ${err})`);
  const base = `http://127.0.0.1:${m[1]}`;
  const headers = { Authorization: `Bearer ${m[2]}` };
  const api = async <T>(p: string): Promise<T> => (await (await fetch(`${base}${p}`, { headers })).json()) as T;
  return { child, config: cfg, stderr: () => err, api, state: () => api<VigilState>('/api/state'), events: () => api<VigilEvent[]>('/api/events') };
}

function killRecorded(file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return;
  }
  for (const pid of text.split('\n').filter(Boolean).map(Number)) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(FAKE_SERVER)) process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

const alive = (s: Serve): boolean => s.child.exitCode === null && s.child.signalCode === null;

/** Pids of crashy's exits as /api/state showed them, collected until `n` new ones were seen. */
async function watchExits(s: Serve, n: number, into: Set<number>, ms = 40_000): Promise<void> {
  const start = into.size;
  await waitFor(async () => {
    if (!alive(s)) throw new Error(`vigil serve died: ${s.stderr()}`);
    const b = (await s.state()).backends.find((x) => x.id === 'crashy');
    if (b?.lastExit) into.add(b.lastExit.pid);
    return into.size >= start + n;
  }, ms, `${n} more exits of crashy`, 100);
}

const journalLines = (dir: string): VigilEvent[] =>
  readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as VigilEvent);

function mount(): SmallMount {
  const m = smallMount(4096, 'vigil-serve-state-');
  cleanups.push(() => m.dispose());
  return m;
}

/**
 * Adds backends to the config (not started) until `done` says enough events
 * were made; appends their ids to `added`, whose length numbers the next one
 * (a repeated key would make the config invalid, and no later edit would apply).
 */
async function editUntil(s: Serve, done: () => Promise<boolean>, added: string[] = []): Promise<string[]> {
  for (let n = 0; n < 60 && !(await done()); n++) {
    const i = added.length;
    const id = `extra${i}`;
    appendFileSync(s.config, `  ${id}:\n    name: an extra backend added while the state directory is full (${i})\n    cmd: [/bin/true]\n    health: { path: none }\n    autostart: false\n`);
    await waitFor(async () => (await s.state()).backends.some((b) => b.id === id), 30_000, `backend ${id} added`).catch((e: Error) => {
      throw new Error(`${e.message}; vigil serve stderr: ${s.stderr().slice(-3000)}`);
    });
    added.push(id);
  }
  return added;
}

const outage = (evs: VigilEvent[]): VigilEvent[] => evs.filter((e) => e.kind === 'system' && /event journal cannot be written/.test(e.reason));
const resumed = (evs: VigilEvent[]): boolean => evs.some((e) => /event journal written again/.test(e.reason));

describe('vigil serve with its state directory full', () => {
  itPrivileged('keeps running; events reach the API from memory, one event says the journal cannot be written, and all are written once when space frees', mountCapability, async () => {
    const m = mount();
    const s = await serve(m.dir, false);
    await waitFor(async () => (await s.state()).backends.find((b) => b.id === 'steady')?.status === 'ready', 30_000, 'steady ready');
    m.fill();
    // The live file's last page may still take a few events: make events until the journal says it is full.
    const added = await editUntil(s, async () => outage(await s.events()).length > 0);
    await editUntil(s, async () => added.length >= 3, added);
    const steady = (await s.state()).backends.find((b) => b.id === 'steady')!;
    await fetch(`http://127.0.0.1:${steady.port}/control/hang`, { method: 'POST' });
    await waitFor(async () => (await s.state()).backends.find((b) => b.id === 'steady')?.status === 'unhealthy', 20_000, 'steady unhealthy');
    expect(alive(s)).toBe(true);

    const evs = await s.events();
    expect(outage(evs)).toHaveLength(1);
    expect(outage(evs)[0]!.reason).toContain(`${m.dir}/events.jsonl: ENOSPC (no space left on the device)`);
    for (const id of added) expect(evs.filter((e) => e.reason === `backend '${id}' added`), id).toHaveLength(1);
    expect(evs.some((e) => e.kind === 'transition' && e.backend === 'steady' && e.to === 'unhealthy')).toBe(true);
    expect(evs.map((e) => e.seq)).toEqual(evs.map((_, i) => evs[0]!.seq + i));

    m.free();
    await waitFor(async () => resumed(await s.events()), 15_000, 'the journal written again');
    await waitFor(() => resumed(journalLines(m.dir)), 30_000, 'the resumed event on disk');
    const onDisk = journalLines(m.dir);
    expect(onDisk.map((e) => e.seq)).toEqual(onDisk.map((_, i) => onDisk[0]!.seq + i));
    for (const e of evs) expect(onDisk.filter((d) => d.seq === e.seq && d.reason === e.reason), `${e.seq} ${e.reason}`).toHaveLength(1);
    expect(s.stderr()).not.toMatch(/Uncaught|Unhandled|^\s+at /m);
  }, 120_000);
});

// RunningRegistry.flush (electron/core/supervisor/running-registry.ts) throws
// the write error: delete() at an exit throws inside the pidfd readiness
// callback (the exit is never journaled; `vigil serve` may die of it), and
// set() after a spawn throws before the supervisor watches the new process,
// which stays in 'backoff' with an unsupervised child.
describe('running.json on a full state directory', () => {
  itPrivileged('keeps restarting a crashing backend and journals every exit', mountCapability, async () => {
    const m = mount();
    const s = await serve(m.dir, true);
    await watchExits(s, 1, new Set());
    await waitFor(async () => (await s.state()).backends.find((b) => b.id === 'crashy')?.status === 'ready', 20_000, 'crashy running');
    m.fill();
    const during = new Set<number>();
    await watchExits(s, 3, during, 20_000);
    expect(alive(s)).toBe(true);
    const exits = (await s.events()).filter((e) => e.kind === 'exit' && e.backend === 'crashy').map((e) => e.pid);
    for (const pid of during) expect(exits).toContain(pid);
  }, 180_000);
});

// The journal raises its own event (JournalOptions.onEvent) but the core opens
// it without one, so the event reaches /api/events and not the state's list.
describe('the journal\'s own events', () => {
  itPrivileged('the state shows that the journal cannot be written', mountCapability, async () => {
    const m = mount();
    const s = await serve(m.dir, false);
    await waitFor(async () => (await s.state()).backends.find((b) => b.id === 'steady')?.status === 'ready', 30_000, 'steady ready');
    m.fill();
    await editUntil(s, async () => outage(await s.events()).length > 0);
    expect(outage((await s.state()).events)).toHaveLength(1);
  }, 180_000);
});

// A backend exit while the state directory is read-only: RunningRegistry.delete
// throws EROFS inside the pidfd readiness callback and `vigil serve` dies
// (uncaught exception; once seen as SIGTRAP). With that caught, the restart
// fails as 'spawn failed: EROFS /usr/bin/node': the spawn cannot open the
// backend's log file, and the message names the program instead of the log.
describe('a read-only state directory', () => {
  itPrivileged('keeps running and restarting a crashing backend', mountCapability, async () => {
    const m = mount();
    const s = await serve(m.dir, true);
    await watchExits(s, 1, new Set());
    // Made read-only while crashy runs, so its next exit is the first thing to write.
    await waitFor(async () => (await s.state()).backends.find((b) => b.id === 'crashy')?.status === 'ready', 20_000, 'crashy running');
    m.readOnly();
    const during = new Set<number>();
    await watchExits(s, 3, during, 20_000);
    expect(alive(s)).toBe(true);
    expect((await s.state()).backends.find((b) => b.id === 'steady')?.status).toBe('ready');
  }, 180_000);
});
