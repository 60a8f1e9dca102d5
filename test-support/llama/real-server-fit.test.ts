// "Will it fit?" through the core against the real llama-server: a won't-fit
// verdict before a start that the kernel then enforces (an OOM kill in the
// backend's memory limit), the advice after it — whose option really runs in
// the same limit —, a refusing policy that starts nothing until the user
// starts it anyway, and a fitting run that is measured and teaches the next
// start of the same model and flags.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect } from 'vitest';
import type { BackendFit } from '../../electron/common/fit.js';
import { SERIES, type VigilEvent } from '../../electron/common/state.js';
import { MEASUREMENTS_FILE } from '../../electron/core/fit/index.js';
import { waitFor } from '../helpers.js';
import { all, cgroupV1Memory, isRoot, kmsgReadable } from '../privileged.js';
import { itLlama, itLlamaPrivileged } from './it-llama.js';
import { llamaServerPath, missingLlamaServer, model } from './testbed.js';
import { cleanupVigils, startVigil, type RunningVigil } from './vigil-with-llama.js';

const bin = llamaServerPath().path;
if (bin) process.env.PATH = `${path.dirname(bin)}:${process.env.PATH ?? ''}`;

const models: { tiny?: string; small?: string } = {};
beforeAll(async () => {
  if (missingLlamaServer()) return;
  models.tiny = await model('tiny');
  models.small = await model('small');
}, 120_000);
afterEach(cleanupVigils);

const MiB = 2 ** 20;
const FAST = { sampling: { intervalMs: 250 } };
const KERNEL_LOG = { kmsgPath: '/dev/kmsg', journalctl: null, kernelLogSources: ['kmsg' as const] };
const fitEvents = (evs: VigilEvent[]): string[] => evs.filter((e) => e.kind === 'system' && e.reason.startsWith('fit: ')).map((e) => e.reason);
const fitOf = (v: RunningVigil, id?: string): BackendFit => {
  const f = v.view(id).fit;
  if (!f) throw new Error('no fit in the state');
  return f;
};

describe('fit with the real llama-server', () => {
  itLlamaPrivileged(
    "policy warn: won't fit in 256 MiB at -c 32768, the kernel kills it there, and the advised -c 8192 then runs in the same limit",
    all(isRoot, cgroupV1Memory, kmsgReadable),
    async () => {
      // 88 MiB of mmap'ed weights and a 256 MiB KV cache: the cache alone is the limit.
      const v = await startVigil(
        { llm: { cmd: `llama-server -m ${models.small} -c 32768 --port \${PORT}`, memoryLimit: '256MiB', restart: { policy: 'never' }, autostart: false } },
        KERNEL_LOG,
        FAST,
      );
      expect((await v.core.start({ id: 'llm' })).ok).toBe(true);
      const before = fitOf(v);
      expect(before).toMatchObject({ verdict: 'wont-fit', policy: 'warn', refused: false });
      expect(before.headline).toMatch(/^won't fit — needs \d+ MiB \((3\d\d) MiB anon\), limit 256 MiB$/);
      expect(fitEvents(await v.events())[0]).toBe(`fit: ${before.headline}`);

      await v.until((b) => b.lastExit?.oomKilled === true, 60_000);
      const pid = v.view().lastExit!.pid;
      // The advice, in the kernel's figures once its line is read.
      await v.until((b) => b.fit?.advice?.pid === pid && b.fit.advice.text.startsWith('killed at ') && /\d+ MiB anon/.test(b.fit.advice.text), 60_000);
      const advice = fitOf(v).advice!;
      expect(advice.text).toMatch(/^killed at \d+ MiB anon; weights \d+(\.\d)? MiB \+ KV cache 256 MiB at -c 32768 \(f16\); the memory limit is 256 MiB\. With -c 8192 it needs \d+ MiB/);
      expect(advice.options[0]!.flags).toEqual(['-c', '8192']);
      expect(advice.options[0]!.needed).toBeLessThan(256 * MiB);
      // The same words in the OOM timeline's entry for the kill, and in the journal.
      await v.until(() => v.core.getState().ooms.some((k) => k.pid === pid && k.advice === advice.text), 30_000);
      const announced = async (): Promise<VigilEvent[]> => (await v.events()).filter((e) => e.reason.startsWith('fit: after the OOM kill: '));
      await waitFor(async () => (await announced()).length > 0, 30_000, 'the fit advice in the journal');
      expect((await announced()).map((e) => [e.pid, e.reason])).toEqual([[pid, `fit: after the OOM kill: ${advice.text}`]]);
      // A killed run teaches nothing: its peak is the limit, not what it needed.
      expect(() => readFileSync(path.join(v.dir, 'state', MEASUREMENTS_FILE), 'utf8')).toThrow(/ENOENT/);

      // The advice holds: the same model with its flags, in the same limit, becomes ready.
      await v.core.addBackend({ id: 'advised', config: { cmd: `llama-server -m ${models.small} ${advice.options[0]!.flags.join(' ')} --port \${PORT}`, memoryLimit: '256MiB', restart: { policy: 'never' }, autostart: false } });
      await v.until(() => v.core.getState().backends.some((b) => b.id === 'advised'), 30_000);
      expect((await v.core.start({ id: 'advised' })).ok).toBe(true);
      expect(fitOf(v, 'advised').verdict).toBe('fits');
      await v.until((b) => b.status === 'ready', 60_000, 'advised');
      await v.until((b) => b.fit?.measurement != null, 15_000, 'advised');
      expect(fitOf(v, 'advised').measurement!.measured).toBeLessThan(256 * MiB);
    },
    150_000,
  );

  itLlamaPrivileged(
    "policy refuse: a won't-fit --no-mmap model is not started in its 64 MiB limit; started anyway, it runs and the kernel kills it",
    all(isRoot, cgroupV1Memory),
    async () => {
      const v = await startVigil(
        { llm: { cmd: `llama-server -m ${models.small} -c 4096 --no-mmap --port \${PORT}`, memoryLimit: '64MiB', fit: { policy: 'refuse' }, restart: { policy: 'never' }, autostart: false } },
        {},
        FAST,
      );
      const r = await v.core.start({ id: 'llm' });
      expect(r).toMatchObject({ ok: false });
      expect(r.message).toMatch(/^start refused: fit: won't fit — needs \d+ MiB \(\d+ MiB anon\), limit 64\.0 MiB \(fit policy: refuse\)$/);
      expect(v.view()).toMatchObject({ status: 'failed', pid: null, startedAt: null });
      expect(fitOf(v)).toMatchObject({ refused: true });
      // Nothing ran: no transition through starting.
      expect((await v.events()).some((e) => e.kind === 'transition' && e.to === 'starting')).toBe(false);

      const anyway = await v.core.start({ id: 'llm', anyway: true });
      expect(anyway.ok).toBe(true);
      expect(v.view().pid).not.toBeNull();
      expect(fitOf(v)).toMatchObject({ refused: false, startedAnyway: true });
      await v.until((b) => b.lastExit?.oomKilled === true, 60_000);
      expect(fitEvents(await v.events())).toContain(`fit: ${fitOf(v).headline} — started anyway`);
    },
    120_000,
  );

  itLlama('a fitting run is measured once ready and at its end (llama-server’s own figures included); the next start says "measured on the last run" and is closer', async () => {
    const v = await startVigil({ llm: { cmd: `llama-server -m ${models.small} -c 4096 -lv 4 --port \${PORT}`, restart: { policy: 'never' }, autostart: false } }, {}, FAST);
    // One prompt longer than a ubatch touches the compute buffers, as a first real request does.
    const prompt = async (): Promise<void> => {
      const body = JSON.stringify({ prompt: 'the quick brown fox jumps over a lazy dog '.repeat(60), n_predict: 2, temperature: 0 });
      const r = await fetch(`http://127.0.0.1:${v.view().port}/completion`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(200);
      await r.text();
      // Two more sampled seconds of the backend, so the tree's figures after the prompt are seen.
      const samples = async (): Promise<number> => (await v.core.getHistory({ range: 'hour', series: [SERIES.backendRss('llm')] })).series[SERIES.backendRss('llm')]?.filter((x) => x !== null).length ?? 0;
      const before = await samples();
      await waitFor(async () => (await samples()) >= before + 2, 30_000, 'two more memory samples');
    };
    await v.core.start({ id: 'llm' });
    const first = fitOf(v);
    expect(first).toMatchObject({ verdict: 'fits', basis: 'formula', measurement: null });
    await v.until((b) => b.status === 'ready', 30_000);
    await v.until((b) => b.fit?.measurement != null, 60_000);
    const atReady = fitOf(v).measurement!;
    expect(atReady.text).toMatch(/^predicted \d+(\.\d)? MiB, took \d+(\.\d)? MiB \([+-]\d+ %\)$/);
    expect(fitEvents(await v.events())).toEqual([`fit: ${first.headline}`, `fit: ready; ${atReady.text}`]);
    // llama-server printed its buffers (-lv 4): the store keeps them beside the tree's figures.
    const stored = JSON.parse(readFileSync(path.join(v.dir, 'state', MEASUREMENTS_FILE), 'utf8')) as { models: Record<string, { runs: { measured: { log: { kv: number } | null } }[] }> };
    const run = Object.values(stored.models)[0]!.runs[0]!;
    expect(run.measured.log?.kv).toBe(first.parts.filter((p) => p.kind === 'kv').reduce((a, p) => a + p.bytes, 0));

    await prompt();
    await v.core.stop({ id: 'llm' });
    await v.until((b) => b.fit?.measurement?.final === true, 30_000);
    const firstEnd = fitOf(v).measurement!;
    // The first prediction against the run's peak: within 15 %.
    expect(Math.abs(firstEnd.error)).toBeLessThan(0.15);

    await v.core.start({ id: 'llm' });
    const second = fitOf(v);
    expect(second.basis).toBe('measured');
    expect(second.headline).toMatch(/; measured on the last run: \d+(\.\d)? MiB$/);
    expect(fitEvents(await v.events()).at(-1)).toBe(`fit: ${second.headline}`);
    await v.until((b) => b.status === 'ready', 30_000);
    await v.until((b) => b.fit?.measurement != null, 60_000);
    await prompt();
    await v.core.stop({ id: 'llm' });
    await v.until((b) => b.fit?.measurement?.final === true, 30_000);
    // Learned: the same model and flags are predicted within 5 % of the next run's peak.
    expect(Math.abs(fitOf(v).measurement!.error)).toBeLessThan(0.05);
  }, 120_000);
});
