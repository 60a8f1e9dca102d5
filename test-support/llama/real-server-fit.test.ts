// "Will it fit?" through the core against the real llama-server: a won't-load
// verdict before a start that the kernel then enforces (an OOM kill in the
// backend's memory limit), the advice after it — the largest context that
// fits, which really runs in the same limit —, a model that loads and answers
// short prompts but is predicted to be killed on a prompt of ~N tokens, and
// is, a refusing policy that starts nothing until the user starts it anyway,
// and a fitting run that is measured and teaches the next start of the same
// model and flags.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect } from 'vitest';
import type { BackendFit } from '../../electron/common/fit.js';
import { formatBytes } from '../../electron/common/format.js';
import { SERIES, type VigilEvent } from '../../electron/common/state.js';
import { MEASUREMENTS_FILE, predictFit } from '../../electron/core/fit/index.js';
import { waitFor } from '../helpers.js';
import { all, cgroupV1Memory, isRoot, kmsgReadable } from '../privileged.js';
import { itLlama, itLlamaPrivileged } from './it-llama.js';
import { llamaServerPath, missingLlamaServer, model } from './testbed.js';
import { cleanupVigils, startVigil, type RunningVigil } from './vigil-with-llama.js';

const bin = llamaServerPath().path;
if (bin) process.env.PATH = `${path.dirname(bin)}:${process.env.PATH ?? ''}`;

/** 32 heads of 16 over 2 layers: without flash attention, the f32 scores of a prompt grow by 66 KiB per token in the context. */
const MANY_HEADS = { layers: 2, embd: 512, heads: 32, kvHeads: 32, ff: 512, type: 'F16' } as const;
const models: { tiny?: string; small?: string; manyHeads?: string } = {};
beforeAll(async () => {
  if (missingLlamaServer()) return;
  models.tiny = await model('tiny');
  models.small = await model('small');
  models.manyHeads = await model(MANY_HEADS);
}, 180_000);
afterEach(cleanupVigils);

const MiB = 2 ** 20;
const FAST = { sampling: { intervalMs: 250 } };
const KERNEL_LOG = { kmsgPath: '/dev/kmsg', journalctl: null, kernelLogSources: ['kmsg' as const] };
/** One /completion of `prompt` (two tokens generated). */
const complete = (port: number, prompt: string): Promise<Response> =>
  fetch(`http://127.0.0.1:${port}/completion`, { method: 'POST', body: JSON.stringify({ prompt, n_predict: 2, temperature: 0 }), headers: { 'content-type': 'application/json' } }).then(async (r) => {
    await r.text();
    return r;
  });
const LONG_PROMPT = 'the quick brown fox jumps over a lazy dog '.repeat(100);
const fitEvents = (evs: VigilEvent[]): string[] => evs.filter((e) => e.kind === 'system' && e.reason.startsWith('fit: ')).map((e) => e.reason);
const fitOf = (v: RunningVigil, id?: string): BackendFit => {
  const f = v.view(id).fit;
  if (!f) throw new Error('no fit in the state');
  return f;
};

describe('fit with the real llama-server', () => {
  itLlamaPrivileged(
    "policy warn: won't load in 256 MiB at -c 32768, the kernel kills it there, and the advice — the largest context that fits — then runs in the same limit",
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
      expect(before).toMatchObject({ verdict: 'wont-fit', policy: 'warn', refused: false, killedAt: null });
      expect(before.headline).toMatch(/^won't load — needs \d+ MiB \((3\d\d) MiB anon\), limit 256 MiB$/);
      expect(fitEvents(await v.events())[0]).toBe(`fit: ${before.headline}`);

      await v.until((b) => b.lastExit?.oomKilled === true, 60_000);
      const pid = v.view().lastExit!.pid;
      // The advice, in the kernel's figures once its line is read.
      await v.until((b) => b.fit?.advice?.pid === pid && b.fit.advice.text.startsWith('killed at ') && /\d+ MiB anon/.test(b.fit.advice.text), 60_000);
      const advice = fitOf(v).advice!;
      expect(advice.text).toMatch(/^killed at \d+ MiB anon; weights \d+(\.\d)? MiB \+ KV cache 256 MiB \+ compute \d+(\.\d)? MiB at -c 32768 \(f16\); the memory limit is 256 MiB\. With /);
      expect(advice.text).toMatch(/\(each leaves 10 % of the limit free\)\.$/);
      // The first option keeps the most context; one changes the context alone: the largest, in steps of 1024, under 90 % of the limit.
      const f16 = advice.options.find((o) => o.flags.length === 2 && o.flags[0] === '-c')!;
      expect(f16).toBeDefined();
      const ctx = Number(f16.flags[1]);
      expect(ctx % 1024).toBe(0);
      expect(ctx).toBeGreaterThan(8192);
      expect(f16.needed).toBeLessThanOrEqual(0.9 * 256 * MiB);
      const more = await predictFit({ argv: ['llama-server', '-m', models.small!, '-c', String(ctx + 1024)], machine: { memAvailable: 16 * 2 ** 30, memTotal: 16 * 2 ** 30, memoryLimit: 256 * MiB } });
      expect(more.verdict !== 'unknown' && more.total).toBeGreaterThan(0.9 * 256 * MiB);
      const first = advice.options[0]!.flags;
      expect(first.includes('-c') ? Number(first[first.indexOf('-c') + 1]) : 32768).toBeGreaterThanOrEqual(ctx);
      // The same words in the OOM timeline's entry for the kill, and in the journal.
      await v.until(() => v.core.getState().ooms.some((k) => k.pid === pid && k.advice === advice.text), 30_000);
      const announced = async (): Promise<VigilEvent[]> => (await v.events()).filter((e) => e.reason.startsWith('fit: after the OOM kill: '));
      await waitFor(async () => (await announced()).length > 0, 30_000, 'the fit advice in the journal');
      expect((await announced()).map((e) => [e.pid, e.reason])).toEqual([[pid, `fit: after the OOM kill: ${advice.text}`]]);
      // A killed run teaches nothing: its peak is the limit, not what it needed.
      expect(() => readFileSync(path.join(v.dir, 'state', MEASUREMENTS_FILE), 'utf8')).toThrow(/ENOENT/);

      // Each option holds: the same model with its flags, in the same limit, becomes ready and takes a prompt longer than a batch.
      for (const [i, o] of advice.options.entries()) {
        const id = `advised${i}`;
        await v.core.addBackend({ id, config: { cmd: `llama-server -m ${models.small} ${o.flags.join(' ')} --port \${PORT}`, memoryLimit: '256MiB', restart: { policy: 'never' }, autostart: false } });
        await v.until(() => v.core.getState().backends.some((b) => b.id === id), 30_000);
        expect((await v.core.start({ id })).ok).toBe(true);
        expect(fitOf(v, id).verdict).toBe('fits');
        await v.until((b) => b.status === 'ready', 60_000, id);
        const r = await complete(v.view(id).port!, LONG_PROMPT);
        expect(r.status).toBe(200);
        expect(v.view(id)).toMatchObject({ status: 'ready', lastExit: null });
        await v.until((b) => b.fit?.measurement != null, 15_000, id);
        expect(fitOf(v, id).measurement!.measured).toBeLessThan(256 * MiB);
        await v.core.stop({ id });
      }
    },
    240_000,
  );

  itLlamaPrivileged(
    'loads in its limit and answers short prompts, but is predicted to be killed on a prompt of ~N tokens, and the kernel kills it on the first longer one',
    all(isRoot, cgroupV1Memory, kmsgReadable),
    async () => {
      // No flash attention: llama.cpp reserves 32 heads' f32 scores over 8192 cells (~530 MiB) at load, and writes them as a prompt fills the context.
      const v = await startVigil(
        { llm: { cmd: `llama-server -m ${models.manyHeads} -c 8192 -np 1 -fa off --port \${PORT}`, memoryLimit: '160MiB', restart: { policy: 'never' }, autostart: false } },
        KERNEL_LOG,
        FAST,
      );
      expect((await v.core.start({ id: 'llm' })).ok).toBe(true);
      const fit = fitOf(v);
      expect(fit.verdict).toBe('killed-on-prompt');
      const n = fit.killedAt!.tokens;
      expect(fit.killedAt).toEqual({ tokens: n, fullBatch: false, ubatch: 512 });
      expect(n).toBeGreaterThan(600);
      expect(n).toBeLessThan(4096);
      expect(fit.headline).toBe(`killed on a long prompt — loads with ${formatBytes(fit.predicted!.atLoadAnon)} anon, killed on a prompt of ~${n} tokens; needs ${formatBytes(fit.predicted!.total)} (${formatBytes(fit.predicted!.anon)} anon) at a full context, limit 160 MiB`);
      expect(fitEvents(await v.events())[0]).toBe(`fit: ${fit.headline}`);

      await v.until((b) => b.status === 'ready', 60_000);
      const port = v.view().port!;
      // Prompts of a known length: the tokenizer's own count of one phrase, repeated.
      const phrase = 'the quick brown fox jumps over a lazy dog ';
      const perPhrase = ((await (await fetch(`http://127.0.0.1:${port}/tokenize`, { method: 'POST', body: JSON.stringify({ content: phrase.repeat(100) }) })).json()) as { tokens: number[] }).tokens.length / 100;
      const prompt = (tokens: number): string => phrase.repeat(Math.floor(tokens / perPhrase));
      // Short and medium prompts, well under N: answered, the process lives.
      expect((await complete(port, 'Once upon a time')).status).toBe(200);
      expect((await complete(port, prompt(n * 0.6))).status).toBe(200);
      expect(v.view()).toMatchObject({ status: 'ready', lastExit: null });
      // Past N: the compute buffers take it over the limit mid-prompt, and the kernel kills it.
      await complete(port, prompt(n * 1.4)).catch(() => null);
      await v.until((b) => b.lastExit?.oomKilled === true, 60_000);
    },
    180_000,
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
      expect(r.message).toMatch(/^start refused: fit: won't load — needs \d+ MiB \(\d+ MiB anon\), limit 64\.0 MiB \(fit policy: refuse\)$/);
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
