// Vigil SIGKILLed in the middle of its writes: a child process appends to the
// event journal (fsynced, batched, rotating) and replaces running.json in a
// tight loop and is killed at a random moment, 60 times over. After every
// kill both files read back: at most the last journal line is torn (skipped
// with a warning), seq continues with no gap or repeat, and running.json is
// whole — the record of the last turn the journal holds or of the one before.
// A loaded machine writes less before each kill: when the 60 kills made no
// rotation, one more round runs until the journal rotates and is killed just
// after, so a rotation is always crossed by a kill.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VigilEvent } from '../../common/state.js';
import { tempDir, waitFor } from '../../../test-support/helpers.js';
import { RunningRegistry } from '../supervisor/running-registry.js';
import { EventJournal } from './event-journal.js';

const ROUNDS = 60;
const ROOT = path.resolve(import.meta.dirname, '../../..');
const HAMMER = path.join(ROOT, 'test-support/journal-hammer.ts');
let work: { dir: string; cleanup: () => void };
let bundle: string;

beforeAll(() => {
  work = tempDir('vigil-crash-');
  // Bundled once: plain node starts in a fraction of tsx's time, so 60 rounds stay short.
  bundle = path.join(work.dir, 'hammer.mjs');
  execFileSync(path.join(ROOT, 'node_modules/.bin/esbuild'), [HAMMER, '--bundle', '--platform=node', '--format=esm', `--outfile=${bundle}`, '--log-level=error']);
});
afterAll(() => work.cleanup());

const rotated = (dir: string): boolean => readdirSync(dir).some((f) => /^events\.\d+\.jsonl$/.test(f));

/** Runs the hammer on `dir` and SIGKILLs it `afterMs` after it has opened its files (and, with `until`, once that holds). */
function hammerAndKill(dir: string, round: number, afterMs: number, until?: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, dir, String(round)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const kill = (): void => void setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.stdout.once('data', () => {
      if (!until) return kill();
      waitFor(until, 120_000, 'the journal to rotate', 5).then(kill, (e: Error) => {
        child.kill('SIGKILL');
        reject(e);
      });
    });
    child.on('exit', (code, sig) => (sig === 'SIGKILL' ? resolve() : reject(new Error(`hammer ended with ${code ?? sig} before the kill: ${err}`))));
  });
}

const turnOf = (e: VigilEvent): { round: number; i: number } | null => (e.kind === 'exit' && e.details ? { round: e.details.round as number, i: e.details.i as number } : null);

describe('SIGKILL in the middle of journal and running.json writes', () => {
  it(`leaves both readable every time, over ${ROUNDS} kills at random moments`, async () => {
    const state = path.join(work.dir, 'state');
    let torn = 0;
    let prevLast = 0;
    let round = 0;
    while (round < ROUNDS || !rotated(state)) {
      round++;
      await hammerAndKill(state, round, Math.random() * 40, round > ROUNDS ? () => rotated(state) : undefined);

      const warnings: string[] = [];
      const j = EventJournal.open(state, { keep: 3, maxBytes: 4 * 1024 * 1024, onWarning: (m) => warnings.push(m) });
      const events = j.query();
      j.close();
      // A kill tears at most the line being written: reported at open when it ends the live file,
      // and skipped as a corrupt line (the start of an event) wherever rotation has since moved it.
      const cut = warnings.filter((w) => /events\.jsonl: the last line was cut off/.test(w));
      const corrupt = warnings.filter((w) => /events(\.\d)?\.jsonl:\d+: skipping a corrupt line \(\{/.test(w));
      expect(warnings.length, `round ${round}: ${warnings.join('; ')}`).toBe(cut.length + corrupt.length);
      if (cut.length) torn++;
      expect(corrupt.length, `round ${round}: ${corrupt.join('; ')}`).toBeLessThanOrEqual(torn);
      expect(corrupt.length, `round ${round}`).toBeGreaterThanOrEqual(cut.length);

      // seq continues: strictly consecutive over what rotation kept, never below what earlier rounds made durable.
      const seqs = events.map((e) => e.seq);
      expect(seqs, `round ${round}`).toEqual(seqs.map((_, k) => seqs[0]! + k));
      expect(seqs.at(-1) ?? 0, `round ${round}`).toBeGreaterThanOrEqual(prevLast);
      prevLast = seqs.at(-1) ?? 0;

      // running.json is whole, and names the last turn whose registry write finished: every turn the
      // journal holds after it was the last of its round (killed between its two writes).
      const regWarnings: string[] = [];
      const recs = new RunningRegistry(state, (m) => regWarnings.push(m)).load();
      expect(regWarnings, `round ${round}`).toEqual([]);
      const turns = events.map(turnOf).filter((t) => t !== null);
      const key = (t: { round: number; i: number }) => `${t.round}/${t.i}`;
      let at = -1;
      if (recs.length) {
        const [r, t] = recs[0]!.command;
        at = turns.map(key).lastIndexOf(`${Number(/\d+/.exec(r!)![0])}/${Number(/\d+/.exec(t!)![0])}`);
        expect(at, `round ${round}: running.json holds ${r} ${t}, not in the journal`).toBeGreaterThanOrEqual(0);
      }
      for (let k = at + 1; k < turns.length; k++) {
        const later = turns[k + 1];
        expect(later === undefined || later.round !== turns[k]!.round, `round ${round}: turn ${key(turns[k]!)} is journaled but running.json is older`).toBe(true);
      }
    }
    // The last reopen writes after the torn line on a fresh one.
    const j = EventJournal.open(state, { keep: 3, maxBytes: 4 * 1024 * 1024, onWarning: () => {} });
    const next = j.append({ kind: 'system', reason: 'after the kills' });
    j.close();
    expect(next.seq).toBe(prevLast + 1);
    const reread = EventJournal.open(state, { keep: 3, maxBytes: 4 * 1024 * 1024, onWarning: () => {} });
    expect(reread.query().at(-1)).toMatchObject({ seq: prevLast + 1, reason: 'after the kills' });
    reread.close();
    expect(readdirSync(state).filter((f) => f.startsWith('events.')).length).toBeGreaterThan(1); // rotation happened under the kills too
    console.log(`${round} kills: ${torn} left a torn last journal line; last seq ${prevLast}`);
  }, 600_000);
});
