// What the OOM timeline says about a kill, through the whole core, from kill
// lines in the journal (a stand-in journalctl that follows a file the test
// writes): a kill of a backend's process is that backend's; a system-wide
// kill of another process names the largest backend at the time; a kill in
// another memory cgroup names nothing; and a fresh Vigil reading the backlog
// attributes a kill only to a backend that owned the pid at the kill's time.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OomKill } from '../common/state.js';
import { all, cgroupV1Memory, isRoot, itPrivileged } from '../../test-support/privileged.js';
import { waitFor } from '../../test-support/helpers.js';
import { FAKE_SERVER, waitUntil } from '../../test-support/supervisor-harness.js';
import { createVigil, type VigilCore } from './vigil.js';

const STUB = path.resolve(import.meta.dirname, '../../test-support/journalctl-stub.mjs');

let dir: string;
let journal: string;
let seq = 0;
const cores: VigilCore[] = [];
afterEach(async () => {
  for (const c of cores.splice(0)) await c.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

function setUp(): void {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-oomattr-'));
  journal = path.join(dir, 'journal.jsonl');
  process.env.VIGIL_JOURNAL_STUB = journal;
  // The journal must hold a kernel message for Vigil to choose it as the OOM source.
  writeFileSync(journal, entry(Date.now() - 3_600_000, 'Linux version 6.1.0 (stand-in journal)') + '\n');
}

function entry(ms: number, message: string): string {
  return JSON.stringify({ __CURSOR: `s=stub;i=${seq++}`, __REALTIME_TIMESTAMP: String(ms * 1000), _TRANSPORT: 'kernel', SYSLOG_IDENTIFIER: 'kernel', MESSAGE: message });
}

/** The kernel's lines for one kill: the summary, then the victim. memcg: a kill at that cgroup's limit; else system-wide. */
function writeKill(at: number, pid: number, comm: string, memcg?: string): void {
  const lines = memcg
    ? [
        `oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${memcg},task_memcg=${memcg},task=${comm},pid=${pid},uid=0`,
        `Memory cgroup out of memory: Killed process ${pid} (${comm}) total-vm:100000kB, anon-rss:90000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0`,
      ]
    : [
        `oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice,task=${comm},pid=${pid},uid=1000`,
        `Out of memory: Killed process ${pid} (${comm}) total-vm:100000kB, anon-rss:90000kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:200kB oom_score_adj:0`,
      ];
  appendFileSync(journal, lines.map((l) => entry(at, l) + '\n').join(''));
}

function configFor(id: string, extra = ''): string {
  const cfg = path.join(dir, 'config.yaml');
  writeFileSync(cfg, `backends:
  ${id}:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}"]
    health: { interval: 200ms, timeout: 500ms }
    stop: { grace: 2s }
${extra}sampling: { intervalMs: 200 }
`);
  return cfg;
}

async function start(cfg: string): Promise<VigilCore> {
  const c = await createVigil({ configPath: cfg, stateDir: path.join(dir, 'state'), kmsgPath: null, journalctl: STUB });
  cores.push(c);
  expect(c.getState().kernelLog.active).toBe('journal');
  return c;
}

const killOf = (c: VigilCore, pid: number, time?: number): Promise<OomKill> =>
  waitFor(() => c.getState().ooms.find((k) => k.pid === pid && (time === undefined || k.time === time)), 10_000, `the kill of pid ${pid} in the timeline`);
const eventFor = (c: VigilCore, pid: number) => c.getState().events.find((e) => e.kind === 'oom' && e.pid === pid);

describe('OOM kills in the timeline', () => {
  it('a backend\'s process is the backend\'s; a system-wide kill names the largest backend; a kill in another cgroup names nothing; time order holds', async () => {
    setUp();
    const id = `attr-${process.pid}`;
    const c = await start(configFor(id));
    const view = () => c.getState().backends.find((b) => b.id === id)!;
    await waitUntil(() => view().status === 'ready' && (view().memory?.rss ?? 0) > 0, 15_000, () => `ready and sampled (${view().status})`);
    const leader = view().pid!;
    const now = Date.now();

    writeKill(now, 999_001, 'firefox');
    const global = await killOf(c, 999_001);
    expect(global.backend).toBeNull();
    expect(global.largestConsumer?.backend).toBe(id);
    expect(global.largestConsumer!.rssBytes).toBeGreaterThan(1024 * 1024);
    expect(eventFor(c, 999_001)?.reason).toMatch(new RegExp(`^OOM killer took firefox \\(pid 999001\\), system-wide; not a backend; largest backend at the time: ${id} \\(\\d+(\\.\\d)? MiB\\)$`));

    writeKill(now + 1, 999_002, 'python3', '/user.slice/user-1000.slice/app-jupyter.scope');
    const foreign = await killOf(c, 999_002);
    expect(foreign).toMatchObject({ backend: null, largestConsumer: null, scope: 'memcg' });
    expect(eventFor(c, 999_002)?.reason).toBe("OOM killer took python3 (pid 999002) inside memory cgroup /user.slice/user-1000.slice/app-jupyter.scope, at that cgroup's own limit; not a backend");

    writeKill(now + 2, leader, 'node', `/vigil/${id}`);
    expect(await killOf(c, leader)).toMatchObject({ backend: id, largestConsumer: null });

    // A kill the journal delivers late, stamped before the others, is listed before them.
    writeKill(now - 30_000, 999_003, 'late');
    await killOf(c, 999_003);
    const times = c.getState().ooms.map((k) => k.time!);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(c.getState().ooms[0]!.pid).toBe(999_003);
  }, 180_000);

  it('a fresh Vigil reading the backlog blames a backend only for a pid it owned at the time of the kill', async () => {
    setUp();
    const id = `backlog-${process.pid}`;
    const cfg = configFor(id);
    const first = await start(cfg);
    const view = () => first.getState().backends.find((b) => b.id === id)!;
    await waitUntil(() => view().status === 'ready', 15_000, () => `ready (${view().status})`);
    const pid = view().pid!;
    const startedAt = view().startedAt!;
    await new Promise((r) => setTimeout(r, 300));
    await first.shutdown();
    cores.splice(cores.indexOf(first), 1);
    const stoppedAt = Date.now();

    // Kills this Vigil never saw: its successor reads them from the backlog.
    const during = Math.round((startedAt + stoppedAt) / 2);
    writeKill(during, pid, 'node');
    writeKill(during - 3_600_000, pid, 'node'); // the same pid an hour before: another process then
    writeKill(during, 424_242, 'python3', `/vigil/${id}`); // in a cgroup of the backend's name, never its process

    const second = await start(cfg);
    const ours = await killOf(second, pid, during);
    expect(ours.backend).toBe(id);
    expect((await killOf(second, pid, during - 3_600_000)).backend).toBeNull();
    expect(await killOf(second, 424_242)).toMatchObject({ backend: null, largestConsumer: null });
  }, 180_000);
});

describe('OOM kills and the memory cgroups of backends', () => {
  itPrivileged('a kill inside the cgroup a backend uses now, of a pid the backend never owned, is not the backend\'s', all(isRoot, cgroupV1Memory), async () => {
    setUp();
    const id = `cgname-${process.pid}`;
    const c = await start(configFor(id, '    memoryLimit: 256MiB\n'));
    const view = () => c.getState().backends.find((b) => b.id === id)!;
    await waitUntil(() => view().status === 'ready', 15_000, () => `ready (${view().status})`);
    // The kernel names a v1 memory cgroup relative to the hierarchy's mount.
    const memcg = view().cgroup!.replace(/^\/sys\/fs\/cgroup\/memory/, '');
    expect(memcg).toMatch(new RegExp(`/${id}$`));

    writeKill(Date.now(), 434_343, 'python3', memcg);
    expect(await killOf(c, 434_343)).toMatchObject({ backend: null, largestConsumer: null, memcg });
    expect(eventFor(c, 434_343)?.reason).toMatch(/inside memory cgroup .*, at that cgroup's own limit; not a backend$/);
    expect(view().lastExit).toBeNull();
  }, 180_000);
});
