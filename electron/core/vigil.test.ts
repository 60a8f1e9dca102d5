// The facade against real files and processes: adoption after Vigil is
// SIGKILLed, config errors with locations, keeps running on bad config.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAKE_SERVER, waitUntil } from '../../test-support/supervisor-harness.js';
import { createVigil, type VigilCore } from './vigil.js';

const dirs: string[] = [];
const cores: VigilCore[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.shutdown();
  for (const ch of children.splice(0)) ch.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-core-'));
  dirs.push(d);
  return d;
}

const backendYaml = (id: string, extra = ''): string => `  ${id}:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}", --alias, ${id}]
    health: { interval: 200ms, timeout: 300ms }
    restart: { policy: always, backoff: { initial: 100ms } }
    stop: { grace: 2s }
${extra}`;

/** Fake servers running with our tag, by /proc cmdline (the duplicate check). */
function fixturePids(tag: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (argv.includes(FAKE_SERVER) && argv.includes(tag) && !/\) Z /.test(st)) out.push(Number(p));
    } catch {
      // raced with an exit
    }
  }
  return out;
}

async function newCore(configPath: string, stateDir: string): Promise<VigilCore> {
  const c = await createVigil({ configPath, stateDir, kmsgPath: null, journalctl: null });
  cores.push(c);
  return c;
}

describe('createVigil', () => {
  it('after Vigil is killed with SIGKILL, a new core adopts the running backend and spawns no duplicate', async () => {
    const dir = tmp();
    const tag = `adopt-${process.pid}`;
    const cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, `backends:\n${backendYaml(tag)}`);
    const state = path.join(dir, 'state');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../test-support/run-core.ts'), cfg, state], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    await waitUntil(() => /"status":"ready"/.test(out), 20_000, () => `child core output: ${out.slice(-300)}`);
    const [pid] = fixturePids(tag);
    expect(pid).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(fixturePids(tag)).toEqual([pid]); // the backend outlived its Vigil

    const core = await newCore(cfg, state);
    const v = () => core.getState().backends.find((b) => b.id === tag)!;
    expect(v()).toMatchObject({ pid, adopted: true });
    await waitUntil(() => v().status === 'ready', 10_000, () => `status ${v().status}`);
    await new Promise((r) => setTimeout(r, 500));
    expect(fixturePids(tag)).toEqual([pid]); // autostart did not spawn a second one
    expect(core.getState().events.some((e) => e.kind === 'system' && e.reason.startsWith(`adopted pid ${pid}`))).toBe(true);

    // Adopted processes are stoppable.
    const r = await core.stop({ id: tag });
    expect(r.ok).toBe(true);
    await waitUntil(() => fixturePids(tag).length === 0, 30_000);
  });

  it('a record whose process is gone is dropped; an orphan no longer configured is stopped', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, 'backends: {}\n');
    const state = path.join(dir, 'state');
    const tag = `orphan-${process.pid}`;
    const orphan = spawn(process.execPath, [FAKE_SERVER, '--port', '0', '--alias', tag], { stdio: 'ignore', detached: true });
    children.push(orphan);
    await waitUntil(() => fixturePids(tag).length === 1, 30_000);
    const st = readFileSync(`/proc/${orphan.pid}/stat`, 'utf8');
    const fields = st.slice(st.lastIndexOf(')') + 2).split(' ');
    const startTime = Number(fields[19]);
    const rec = (id: string, pid: number, start: number) => ({ id, pid, startTime: start, pgid: pid, port: null, logPath: null, command: ['x'] });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(state, { recursive: true });
    writeFileSync(path.join(state, 'running.json'), JSON.stringify({ version: 1, backends: [rec('gone', 999_999, 1), rec('old', orphan.pid!, startTime)] }));
    const core = await newCore(cfg, state);
    const reasons = core.getState().events.map((e) => e.reason);
    expect(reasons).toContain('recorded process 999999 is gone; record dropped');
    expect(reasons.some((r) => r.startsWith(`stopped orphan pid ${orphan.pid}`))).toBe(true);
    expect(fixturePids(tag)).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(state, 'running.json'), 'utf8')).backends).toEqual([]);
  });

  it('malformed YAML and schema errors land in config.errors with their location; the core keeps running the last good config', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'config.yaml');
    const tag = `cfg-${process.pid}`;
    writeFileSync(cfg, `backends:\n${backendYaml(tag)}`);
    const core = await newCore(cfg, path.join(dir, 'state'));
    expect(core.getState().config.errors).toEqual([]);
    await waitUntil(() => core.getState().backends[0]?.status === 'ready', 10_000);
    const pid = core.getState().backends[0]!.pid;

    writeFileSync(cfg, 'backends:\n  x: [unclosed\n');
    await core.reloadConfig();
    const e1 = core.getState().config.errors;
    expect(e1.length).toBeGreaterThan(0);
    expect(e1[0]).toMatchObject({ file: cfg });
    expect(e1[0]!.line).toBeGreaterThanOrEqual(2);

    const bad = [
      'backends:',
      `  ${tag}:`,
      `    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}"]`,
      '    restart: { policy: always }',
      '    stop: { grace: 2s }',
      '    health: { interval: soon }',
    ];
    writeFileSync(cfg, bad.join('\n') + '\n');
    await core.reloadConfig();
    const e2 = core.getState().config.errors;
    expect(e2[0]).toMatchObject({ file: cfg, field: `backends.${tag}.health.interval` });
    expect(e2[0]!.line).toBe(6); // the `health: { interval: soon }` line
    expect(e2[0]!.message).toMatch(/invalid duration/);
    // Still supervising the same process under the last good config.
    expect(core.getState().backends[0]).toMatchObject({ status: 'ready', pid });
    expect(core.getState().events.some((e) => e.kind === 'config' && e.reason.startsWith('config rejected'))).toBe(true);
  });

  it('config reload: a changed backend is restarted with its new command, a removed one is stopped, addBackend appends keeping comments', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'config.yaml');
    const a = `ra-${process.pid}`;
    const b = `rb-${process.pid}`;
    writeFileSync(cfg, `# my backends\nbackends:\n${backendYaml(a)}${backendYaml(b)}`);
    const core = await newCore(cfg, path.join(dir, 'state'));
    const view = (id: string) => core.getState().backends.find((x) => x.id === id);
    await waitUntil(() => view(a)?.status === 'ready' && view(b)?.status === 'ready', 10_000);
    const pidA = view(a)!.pid;
    const pidB = view(b)!.pid;

    writeFileSync(cfg, `# my backends\nbackends:\n${backendYaml(a).replace('--alias', '--load-ms, "300", --alias')}`);
    await core.reloadConfig();
    expect(view(b)).toBeUndefined();
    expect(fixturePids(b)).toEqual([]);
    await waitUntil(() => view(a)?.status === 'ready' && view(a)?.pid !== pidA, 10_000);
    expect(view(a)!.command).toContain('--load-ms');
    expect(pidB).not.toBeNull();

    const r = await core.addBackend({ id: 'added', config: { cmd: ['/bin/sleep', '1000'], health: { path: 'none' }, autostart: false } });
    expect(r).toMatchObject({ ok: true });
    const text = readFileSync(cfg, 'utf8');
    expect(text.startsWith('# my backends\n')).toBe(true);
    expect(view('added')).toMatchObject({ status: 'stopped' });
    const bad = await core.addBackend({ id: 'bad', config: { cmd: ['x'], health: { interval: 'soon' } } });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/^backends\.bad\.health\.interval: invalid duration/);
    expect((await core.addBackend({ id: 'added', config: { cmd: ['x'] } })).message).toBe("backend 'added' already exists");
  });
});
