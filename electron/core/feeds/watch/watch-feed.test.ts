// The watch feed with real processes: what it publishes and journals, what
// it leaves out, and its actions (stop as asked, adopt into a backend).
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../common/api.js';
import type { WatchedServer } from '../../../common/watch.js';
import type { WatchConfig } from '../../../common/watch-schema.js';
import { WatchConfigSchema } from '../../../common/watch-schema.js';
import { pickFreePort, waitFor } from '../../../../test-support/helpers.js';
import { fakeServerArgv, namedNode, startFromShell, type ShellStarted } from '../../../../test-support/watch/servers.js';
import type { EventDraft } from '../../events.js';
import type { OwnedProcesses } from '../../watch/index.js';
import { startWatchFeed, type WatchFeed } from './watch-feed.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

interface Harness {
  feed: WatchFeed;
  drafts: EventDraft[];
  published: WatchedServer[][];
  added: { id: string; config: Record<string, unknown> }[];
  setConfig(c: WatchConfig): void;
  setOwned(o: OwnedProcesses): void;
  latest(): WatchedServer[];
  /** Resolves once `n` more ticks have started (each tick asks for the owned processes once). */
  ticks(n: number): Promise<void>;
}

function harness(): Harness {
  const drafts: EventDraft[] = [];
  const published: WatchedServer[][] = [];
  const added: { id: string; config: Record<string, unknown> }[] = [];
  let config = WatchConfigSchema.parse({ health: { interval: '200ms' } });
  let owned: OwnedProcesses = {};
  let ticks = 0;
  const feed = startWatchFeed({
    config: () => config,
    owned: () => {
      ticks++;
      return owned;
    },
    publish: (w) => published.push(w),
    emit: (d) => {
      drafts.push(d);
      return { seq: drafts.length, time: Date.now(), backend: null, from: null, to: null, pid: null, exit: null, oom: null, ...d };
    },
    backendIds: () => ['llama-server-1'],
    addBackend: async (id, cfg): Promise<CommandResult> => {
      added.push({ id, config: cfg });
      return { ok: true, message: `added backend '${id}'` };
    },
    logger: { warn: () => {}, error: (m, e) => console.error(m, e) },
    tickMs: 200,
  });
  cleanups.push(() => feed.close());
  return {
    feed, drafts, published, added,
    setConfig: (c) => (config = c),
    setOwned: (o) => (owned = o),
    latest: () => published.at(-1) ?? [],
    ticks: async (n) => {
      const until = ticks + n;
      await waitFor(() => ticks >= until, 30_000, `${n} ticks`);
    },
  };
}

async function shellServer(extra: string[] = []): Promise<ShellStarted> {
  const node = namedNode('llama-server');
  cleanups.push(node.cleanup);
  const port = await pickFreePort();
  const s = await startFromShell(fakeServerArgv(node.bin, port, extra), port);
  cleanups.push(() => {
    s.kill('SIGKILL');
    s.shell.kill('SIGKILL');
  });
  return s;
}

describe('watch feed', () => {
  it('publishes a server started from a shell and journals it; its exit is published at once, not at the next tick', async () => {
    const h = harness();
    const s = await shellServer();
    // Found as soon as it runs (at its exec with the kernel's process events), perhaps before it listens: its port follows.
    const found = await waitFor(() => h.latest().find((v) => v.pid === s.pid && v.listen.some((l) => l.port === s.port)), 30_000, 'the server to be published with its port');
    expect(found).toMatchObject({ kind: 'llama-server', status: 'running', manager: { comm: 'sh' } });
    expect(h.drafts.find((d) => d.pid === s.pid)).toMatchObject({ kind: 'watch', reason: expect.stringMatching(new RegExp(`^watching llama-server ${s.pid}\\b`)), details: { watched: found.id, event: 'discovered' } });

    const before = h.published.length;
    s.kill('SIGKILL');
    const gone = await waitFor(() => h.published.slice(before).flat().find((v) => v.id === found.id && v.status !== 'running'), 30_000, 'the exit to be published');
    // The pidfd's readiness, not the 200 ms tick, brought it: only that path marks an exit seen live
    // (a tick that finds it exited marks it false). Its latency is measured in bench/watch.bench.ts.
    expect(gone.exitSeenLive).toBe(true);
    expect(h.drafts.find((d) => d.pid === s.pid && (d.details as { event?: string })?.event === 'exited')?.reason).toMatch(/exit status not available: Vigil is not its parent|killed by SIGKILL \(the kernel's process events\)/);
  });

  it('publishes only when something shown changed', async () => {
    const h = harness();
    const s = await shellServer();
    await waitFor(() => h.latest().find((v) => v.pid === s.pid && v.healthAt !== null), 30_000, 'a health answer');
    const n = h.published.length;
    // Probes every 200 ms answer the same: memory moves now and then, nothing else. A probe's time
    // (healthAt) alone is no change worth a publish: every publish differs in something else.
    await h.ticks(10);
    const shown = (list: WatchedServer[]): unknown[] => list.map(({ healthAt: _, ...rest }) => rest);
    for (let i = n; i < h.published.length; i++) expect(shown(h.published[i]!)).not.toEqual(shown(h.published[i - 1]!));
  });

  it("never lists Vigil's own processes: its backends' pids and groups, and any child of Vigil", async () => {
    const h = harness();
    const s = await shellServer();
    h.setOwned({ pgids: [s.shell.pid!] }); // a terminal's job: the shell leads the group the server is in
    // It listens already: two whole ticks after the change are enough for it to be found, and left out.
    await h.ticks(3);
    expect(h.latest().find((v) => v.pid === s.pid)).toBeUndefined();
    h.setOwned({ parent: s.shell.pid! });
    await h.ticks(3);
    expect(h.latest().find((v) => v.pid === s.pid)).toBeUndefined();
    h.setOwned({});
    const v = await waitFor(() => h.latest().find((x) => x.pid === s.pid), 30_000, 'the server once no longer owned');
    // Admitted while it listens: its discovery names the port.
    expect(h.drafts.findLast((d) => d.pid === s.pid && (d.details as { event?: string }).event === 'discovered')).toMatchObject({ reason: expect.stringMatching(new RegExp(`^watching llama-server ${s.pid} on port ${s.port}\\b`)), details: { watched: v.id } });
  });

  it('a changed watch: section makes a new watcher: disabled publishes an empty list', async () => {
    const h = harness();
    const s = await shellServer();
    await waitFor(() => h.latest().find((v) => v.pid === s.pid), 30_000, 'the server');
    h.setConfig(WatchConfigSchema.parse({ enabled: false }));
    await waitFor(() => h.latest().length === 0 || null, 30_000, 'an empty list');
    const k = h.published.length;
    h.setConfig(WatchConfigSchema.parse({ ignore: [{ exe: 'llama-server' }] }));
    // The new watcher lists /proc on its first tick and publishes: the server is there, and ignored.
    await waitFor(() => h.published.length > k, 30_000, 'the new watcher to publish');
    await h.ticks(3);
    expect(h.latest().find((v) => v.pid === s.pid)).toBeUndefined();
  });

  it('stop as asked: the exit is journalled as requested, not as an alarm', async () => {
    const h = harness();
    const s = await shellServer();
    const v = await waitFor(() => h.latest().find((x) => x.pid === s.pid), 30_000, 'the server');
    const r = await h.feed.stop(v.id);
    expect(r).toEqual({ ok: true, message: `llama-server ${s.pid} exited after SIGTERM` });
    const exited = h.drafts.find((d) => d.pid === s.pid && (d.details as { event?: string }).event === 'exited')!;
    expect(exited.reason).toBe(`llama-server ${s.pid} exited after Vigil's stop, as asked`);
    expect(exited.details).toMatchObject({ requested: true });
    expect(await h.feed.stop('w-1-1')).toMatchObject({ ok: false, message: expect.stringMatching(/no watched server 'w-1-1'/) });
  });

  it('adopt: stops the server, then adds the same command line as a backend on its port with its health path', async () => {
    const h = harness();
    const s = await shellServer(['-m', '/models/m.gguf']);
    const v = await waitFor(() => h.latest().find((x) => x.pid === s.pid && x.listen.length > 0), 30_000, 'the server with its port');
    const r = await h.feed.adopt(v.id);
    expect(r.ok).toBe(true);
    expect(r.message).toMatch(new RegExp(`^llama-server ${s.pid} exited after SIGTERM; it runs as backend 'llama-server-${s.port}' now`));
    expect(h.added).toEqual([
      {
        id: `llama-server-${s.port}`,
        config: { name: `llama-server :${s.port} (adopted)`, cmd: v.cmdline, cwd: process.cwd(), port: s.port, health: { path: '/health' }, autostart: true },
      },
    ]);
    // Stopped before it was added: it had exited when adopt answered (its shell then reaps it).
    expect(h.drafts.some((d) => d.pid === s.pid && (d.details as { event?: string }).event === 'exited')).toBe(true);
  });

  it('adopt is refused when watchActions refuses it, and nothing is added', async () => {
    const h = harness();
    const s = await shellServer();
    const v = await waitFor(() => h.latest().find((x) => x.pid === s.pid), 30_000, 'the server');
    // A server that has exited cannot be adopted.
    s.kill('SIGKILL');
    await waitFor(() => h.latest().find((x) => x.id === v.id && x.status !== 'running'), 30_000, 'the exit');
    const r = await h.feed.adopt(v.id);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/^cannot adopt llama-server \d+: it is not running/) });
    expect(h.added).toEqual([]);
  });
});
