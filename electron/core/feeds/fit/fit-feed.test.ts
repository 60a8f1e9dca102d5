// The fit wiring through a real core: a `llama-server` on PATH that is the
// fake server (a small Node process), models whose headers say hundreds of
// MiB (sparse files), and the state, events and measurement file a user
// would see. The real llama-server's side is in
// test-support/llama/real-server-fit.test.ts.
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { BackendFit } from '../../../common/fit.js';
import type { VigilEvent } from '../../../common/state.js';
import { fakeLlamaServerBin, writeSparseModel } from '../../../../test-support/fit-fixtures.js';
import { cleanupVigils, startVigil, type RunningVigil } from '../../../../test-support/llama/vigil-with-llama.js';
import { backendContext, fakeBackend } from '../../../../test-support/supervisor-harness.js';
import { MEASUREMENTS_FILE, MeasurementStore } from '../../fit/index.js';
import { createVigilStore } from '../../store.js';
import { createVigil } from '../../vigil.js';
import { fakeNvmlLibrary, scriptNvml } from '../../../../test-support/nvml/fake-nvml.js';
import { FitFeed, ownGpuOnStart } from './fit-feed.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-fitfeed-'));
mkdirSync(path.join(dir, 'bin'));
const bin = fakeLlamaServerBin(path.join(dir, 'bin'));
process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
// ≈ 430 MiB of F16 weights in the header; nothing on disk.
const MODEL = writeSparseModel(path.join(dir, 'big.gguf'), { layers: 2, embd: 2048, vocab: 32000 });
afterEach(cleanupVigils);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FAST = { sampling: { intervalMs: 200 } };
const llama = (flags: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  cmd: `llama-server -m ${MODEL} ${flags} --port \${PORT}`,
  autostart: false,
  restart: { policy: 'never' },
  ...extra,
});
const fitEvents = (evs: VigilEvent[]): string[] => evs.filter((e) => e.kind === 'system' && e.reason.startsWith('fit: ')).map((e) => e.reason);
const fitOf = (v: RunningVigil): BackendFit => {
  const f = v.view().fit;
  if (!f) throw new Error('no fit in the state');
  return f;
};

describe('the fit verdict per GPU', () => {
  it("judges the GPU against the free VRAM NVML reports (another process's use out), through the composed GPU sources", async () => {
    const GiB = 2 ** 30;
    scriptNvml(path.join(dir, 'nvml-script'), {
      devices: [{ name: 'NVIDIA GeForce RTX 4090', uuid: 'GPU-1', busId: '00000000:01:00.0', total: 24 * GiB, used: 24 * GiB - 64 * 2 ** 20 }],
      processes: [{ device: 0, pid: 1, bytes: 23 * GiB }],
    });
    try {
      const v = await startVigil({ llm: llama('-c 4096 -ngl 99') }, { nvmlLibrary: fakeNvmlLibrary(), nvidiaSmi: null }, FAST);
      await v.until(() => v.core.getState().memory.gpus.length > 0, 10_000);
      expect(v.core.getState().memory.gpus[0]).toMatchObject({ id: 'nvidia0', vramFree: 64 * 2 ** 20 });
      await v.core.start({ id: 'llm' });
      await v.until((b) => b.fit !== null && b.fit.verdict !== 'unknown', 20_000);
      const fit = fitOf(v);
      expect(fit.verdict).toBe('wont-fit');
      expect(fit.why).toMatch(/free VRAM on NVIDIA GeForce RTX 4090 64(\.0)? MiB/);
    } finally {
      delete process.env.VIGIL_FAKE_NVML_SCRIPT;
      delete process.env.VIGIL_FAKE_NVML_LOG;
    }
  });

  it("counts the backend's own GPU use as free on a start: while it runs, or after its exit while the GPU figures predate the exit", () => {
    const gpu = [{ device: 'nvidia0', vram: 8 * 2 ** 30, gtt: 0 }];
    const mem = { rss: 1, anon: 1, file: 0, shmem: 0, swap: 0, pss: null, processes: 1, gpu };
    expect(ownGpuOnStart({ memory: mem, lastExit: null }, true, 0)).toEqual(gpu);
    const exit = { time: 5000, pid: 1, code: 0, signal: null, signalName: null, coreDumped: false, reaped: true, oomKilled: false, oom: null, reason: 'x', lastGpu: gpu };
    expect(ownGpuOnStart({ memory: null, lastExit: exit }, false, 4000)).toEqual(gpu); // sampled before the exit: still counted as used
    expect(ownGpuOnStart({ memory: null, lastExit: exit }, false, 6000)).toBeUndefined(); // sampled since: already free
    expect(ownGpuOnStart(null, false, 0)).toBeUndefined();
  });
});

describe('fit wired into the core', () => {
  it("policy warn: a won't-fit verdict is an event and on the card, and the backend starts", async () => {
    const v = await startVigil({ llm: llama('-c 4096 --no-mmap', { memoryLimit: '256MiB' }) }, {}, FAST);
    const r = await v.core.start({ id: 'llm' });
    expect(r.ok).toBe(true);
    await v.until((b) => b.status === 'ready', 20_000);
    const fit = fitOf(v);
    expect(fit).toMatchObject({ verdict: 'wont-fit', policy: 'warn', refused: false, startedAnyway: false, basis: 'formula' });
    expect(fit.headline).toMatch(/^won't load — needs \d+ MiB \(\d+ MiB anon\), limit 256 MiB$/);
    expect(fit.predicted!.anon).toBeGreaterThan(256 * 2 ** 20);
    expect(fit.parts.some((p) => p.kind === 'weights' && p.backing === 'anon')).toBe(true);
    const events = fitEvents(await v.events());
    expect(events[0]).toBe(`fit: ${fit.headline}`);
    // The start's own events follow the verdict.
    const all = await v.events();
    expect(all.findIndex((e) => e.reason === events[0])).toBeLessThan(all.findIndex((e) => e.kind === 'transition' && e.to === 'starting'));
  });

  it('policy refuse: a backend that would load but be killed on a long prompt is not started either; the verdict names the prompt', async () => {
    // -fa off at -c 16384: f32 scores of 8 heads over every cell (and their f16 copy), written only as a prompt fills the context.
    const v = await startVigil({ llm: llama('-c 16384 -fa off', { memoryLimit: '512MiB', fit: { policy: 'refuse' } }) }, {}, FAST);
    const refused = await v.core.start({ id: 'llm' });
    expect(refused.ok).toBe(false);
    const fit = fitOf(v);
    expect(fit).toMatchObject({ verdict: 'killed-on-prompt', refused: true, killedAt: { fullBatch: false, ubatch: 512 } });
    expect(fit.predicted!.atLoadAnon).toBeLessThan(512 * 2 ** 20);
    expect(fit.predicted!.anon).toBeGreaterThan(512 * 2 ** 20);
    expect(refused.message).toBe(`start refused: fit: ${fit.headline} (fit policy: refuse)`);
    expect(fit.headline).toMatch(new RegExp(`^killed on a long prompt — loads with [\\d.]+ MiB anon, killed on a prompt of ~${fit.killedAt!.tokens} tokens; needs [\\d.]+ (MiB|GiB) \\([\\d.]+ (MiB|GiB) anon\\) at a full context, limit 512 MiB$`));
  });

  it("policy refuse: a won't-fit backend is not started; started anyway, it runs, and says so", async () => {
    const v = await startVigil({ llm: llama('-c 4096 --no-mmap', { memoryLimit: '256MiB', fit: { policy: 'refuse' } }) }, {}, FAST);
    const refused = await v.core.start({ id: 'llm' });
    expect(refused.ok).toBe(false);
    expect(refused.message).toMatch(/^start refused: fit: won't load — needs .*, limit 256 MiB \(fit policy: refuse\)$/);
    expect(v.view()).toMatchObject({ status: 'failed', pid: null, reason: refused.message });
    expect(fitOf(v)).toMatchObject({ verdict: 'wont-fit', policy: 'refuse', refused: true });
    expect(fitEvents(await v.events())).toEqual([]);

    const anyway = await v.core.start({ id: 'llm', anyway: true });
    expect(anyway.ok).toBe(true);
    await v.until((b) => b.status === 'ready', 20_000);
    expect(fitOf(v)).toMatchObject({ refused: false, startedAnyway: true });
    expect(fitEvents(await v.events())).toEqual([`fit: ${fitOf(v).headline} — started anyway`]);
  });

  it('a fitting run is measured once ready, and the next start of the same model and flags uses the measurement', async () => {
    const v = await startVigil({ llm: llama('-c 4096') }, {}, FAST);
    await v.core.start({ id: 'llm' });
    expect(fitOf(v)).toMatchObject({ verdict: 'fits', basis: 'formula', measurement: null });
    await v.until((b) => b.fit?.measurement != null, 20_000);
    const first = fitOf(v);
    const rss = v.view().memory!.rss;
    // The fake server is a small Node process: what it took is far below the model's figure, and the card says by how much.
    expect(first.measurement!.text).toMatch(/^predicted \d+ MiB, took \d+(\.\d)? MiB \(\+\d+ %\)$/);
    expect(first.measurement!.measured).toBeGreaterThan(rss * 0.5);
    expect(first.measurement!.measured).toBeLessThan(rss * 2);
    expect(fitEvents(await v.events())).toEqual([`fit: ${first.headline}`, `fit: ready; ${first.measurement!.text}`]);
    const file = path.join(v.dir, 'state', MEASUREMENTS_FILE);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ version: 1 });

    await v.core.stop({ id: 'llm' });
    // The end of the run is recorded with its peak (the card's figure is then final).
    await v.until((b) => b.fit?.measurement?.final === true, 10_000);
    await v.core.start({ id: 'llm' });
    const second = fitOf(v);
    expect(second.basis).toBe('measured');
    expect(second.basisNote).toMatch(/^measured on the last run: /);
    expect(second.headline).toContain('; measured on the last run: ');
    // The formula's weights and KV stay (the fake maps no model); the measured rest replaces the formula's compute and process.
    expect(second.predicted!.total).not.toBe(first.predicted!.total);
    expect(second.parts.find((p) => p.kind === 'compute')!.detail).toContain('measured on the last run');
    // A run still going when Vigil quits is recorded as the quit stops it.
    await v.until((b) => b.fit?.measurement != null, 20_000);
    const before = JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, { runs: { at: number }[] }> };
    const atBefore = Object.values(before.models)[0]!.runs[0]!.at;
    await v.core.shutdown();
    const after = JSON.parse(readFileSync(file, 'utf8')) as { models: Record<string, { runs: { at: number }[] }> };
    expect(Object.values(after.models)[0]!.runs[0]!.at).toBeGreaterThan(atBefore);
  });

  it('another program: "no prediction" on the card, no figure and no event', async () => {
    const v = await startVigil({ other: { cmd: ['sleep', '30'], health: { path: 'none' }, autostart: false } }, {}, FAST);
    await v.core.start({ id: 'other' });
    expect(fitOf(v)).toMatchObject({ verdict: 'unknown', predicted: null, parts: [], headline: 'no prediction: the command is sleep, not llama-server: no memory prediction for it' });
    expect(fitEvents(await v.events())).toEqual([]);
  });

  it('a model that cannot be read: the event says why, and the backend starts', async () => {
    const missing = path.join(dir, 'missing.gguf');
    const v = await startVigil({ llm: { ...llama('-c 4096'), cmd: `llama-server -m ${missing} --port \${PORT}` } }, {}, FAST);
    expect((await v.core.start({ id: 'llm' })).ok).toBe(true);
    expect(fitEvents(await v.events())).toEqual([`fit: no prediction: cannot read the model: ${missing}: no such file`]);
    expect(fitOf(v).predicted).toBeNull();
  });

  it('a stopped backend shows its prediction before any start, without an event, and again after its config changes', async () => {
    const v = await startVigil({ llm: llama('-c 4096 --no-mmap', { memoryLimit: '256MiB' }) }, {}, FAST);
    await v.until((b) => b.fit !== null, 30_000);
    expect(fitOf(v)).toMatchObject({ verdict: 'wont-fit', refused: false });
    expect(fitEvents(await v.events())).toEqual([]);
    await v.core.addBackend({ id: 'second', config: llama('-c 4096') });
    await v.until((b) => b.fit?.verdict === 'fits', 30_000, 'second');
  });

  it('predicts for a command as typed in the add-backend form, with a memory limit, and says what is wrong with bad input', async () => {
    const v = await startVigil({}, {}, FAST);
    const p = await v.core.predictFit({ cmd: ['llama-server', '-m', MODEL, '-c', '4096', '--no-mmap'], memoryLimit: '256M' });
    expect(p.verdict).toBe('wont-fit');
    const s = await v.core.predictFit({ cmd: `llama-server -m ${MODEL} -c 4096` });
    expect(s.verdict).toBe('fits');
    expect(await v.core.predictFit({ cmd: 'llama-server -m x.gguf', memoryLimit: 'lots' })).toEqual({ verdict: 'unknown', why: 'memory limit "lots" is not a size (e.g. 8G, 512MiB)' });
    expect((await v.core.predictFit({ cmd: 'llama-server -m "x.gguf' })).why).toMatch(/^cannot read the command: /);
    expect(existsSync(path.join(v.dir, 'state', MEASUREMENTS_FILE))).toBe(false);
  });
});

describe('the measurement file', () => {
  it('a corrupt file is set aside and said in an event; the core starts', async () => {
    const d = mkdtempSync(path.join(tmpdir(), 'vigil-fitcorrupt-'));
    try {
      mkdirSync(path.join(d, 'state'));
      writeFileSync(path.join(d, 'state', MEASUREMENTS_FILE), '{"version": 1, "models": ');
      writeFileSync(path.join(d, 'config.yaml'), 'version: 1\nbackends: {}\n');
      const core = await createVigil({ configPath: path.join(d, 'config.yaml'), stateDir: path.join(d, 'state'), kmsgPath: null, journalctl: null });
      try {
        const events = await core.getEvents({ limit: 100 });
        expect(events.map((e) => e.reason)).toContainEqual(expect.stringMatching(/^fit: .*fit-measurements\.json is corrupt \(.*\); set aside as fit-measurements\.json\.corrupt, measurements start afresh$/));
        expect(existsSync(path.join(d, 'state', `${MEASUREMENTS_FILE}.corrupt`))).toBe(true);
      } finally {
        await core.shutdown();
      }
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('the pre-start check on its own', () => {
  it('a model that cannot be read in time (a FIFO nobody writes: a hung disk) lets the start go on without a prediction', async () => {
    const fifo = path.join(dir, 'hung.gguf');
    execFileSync('mkfifo', [fifo]);
    const { store } = await MeasurementStore.open(path.join(dir, 'fifo-state'));
    const events: string[] = [];
    const cfg = { ...fakeBackend('hung', []), cmd: ['llama-server', '-m', fifo, '--port', '${PORT}'] };
    const vs = createVigilStore();
    const backend = backendContext(cfg);
    const feed = new FitFeed({
      setOomAdvice: (id, pid, advice) => vs.setOomAdvice(id, pid, advice),
      gpus: () => vs.get().memory.gpus,
      emit: (d) => {
        events.push(d.reason);
        return { seq: 0, time: 0, backend: null, from: null, to: null, pid: null, exit: null, oom: null, ...d };
      },
      measurements: store,
      logPath: () => path.join(dir, 'hung.log'),
      logger: { warn: () => undefined, error: () => undefined },
      settleMs: () => 100,
      timeoutMs: 300,
    });
    try {
      // A read of a FIFO that no one writes never ends: an answer at all (before the test's timeout) is the 0.3 s timeout's.
      expect(await feed.check({ cfg, backend, argv: ['llama-server', '-m', fifo, '--port', '1234'], port: 1234, why: 'started by user', anyway: false })).toBeNull();
      expect(backend.fits.at(-1)).toMatchObject({ verdict: 'unknown', predicted: null, headline: 'no prediction: reading the model took longer than 0.3s; started without a prediction' });
      expect(events).toEqual(['fit: no prediction: reading the model took longer than 0.3s; started without a prediction']);
    } finally {
      // Unblock the read still waiting on the FIFO: a writer that closes at once is an empty file (ENXIO: no reader waits).
      try {
        closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        /* nobody was reading */
      }
      await feed.stop();
    }
  });
});
