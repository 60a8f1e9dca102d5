// What a status means is one table (electron/common/status.ts): for every
// status, what each reader shows — the badge and the header, the tray, the
// card, the llama panel, notifications, /metrics and the supervisor — is what
// the table says; and no product file spells its own list of statuses.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND_STATUSES, type BackendStatus, type ExitInfo } from '../electron/common/state.js';
import { LIVE_STATUSES as SUPERVISOR_LIVE } from '../electron/core/supervisor/state-machine.js';
import { STATUS_TRAITS } from '../electron/common/status.js';
import { completed } from '../electron/desktop/notifications.js';
import { trayLevel } from '../electron/desktop/tray-model.js';
import { createMetrics } from '../electron/serve/metrics.js';
import { lifeFact } from '../renderer/lib/card-figures.js';
import { aggregateStatus, statusTone } from '../renderer/lib/format.js';
import { isCurrent } from '../renderer/lib/llama-figures.js';
import { backend, baseState } from './fake-service.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const EXIT: ExitInfo = { time: 1, pid: 7, code: 1, signal: null, signalName: null, coreDumped: false, reaped: true, oomKilled: false, oom: null, reason: 'exited with code 1' };

async function scrape(status: BackendStatus): Promise<string> {
  const llama = { phase: 'listening', slots: { total: 4, busy: 1, contextPerSlot: 4096, source: 'metrics' }, memory: [] } as unknown as NonNullable<ReturnType<typeof backend>['llama']>;
  return (await createMetrics(() => baseState([backend('a', { status, llama })])).render()).body;
}

describe('every reader of a status reads STATUS_TRAITS', () => {
  for (const s of BACKEND_STATUSES) {
    const t = STATUS_TRAITS[s];
    it(s, async () => {
      // The badge's colour and the header's one-glance count.
      expect(statusTone(s)).toBe(t.tone);
      const agg = aggregateStatus([{ status: s }]);
      if (t.summaryWord !== null) expect(agg).toEqual({ tone: t.tone, text: `1 ${t.summaryWord} of 1` });
      else expect(agg.text).toBe(t.serving ? 'all 1 ready' : '0 of 1 ready');
      // The tray: a stopped backend is not wanted; else down, busy or ok.
      expect(trayLevel([backend('a', { status: s })])).toBe(s === 'stopped' ? 'idle' : t.down ? 'down' : t.serving ? 'ok' : 'busy');
      // An OOM kill is news in the tray until the backend serves again (or the user stopped it).
      const oomed = backend('a', { status: s, lastExit: { ...EXIT, oomKilled: true } });
      expect(trayLevel([oomed])).toBe(s === 'stopped' ? 'idle' : t.serving ? 'ok' : 'down');
      // The card and the llama panel speak of a process while one may be there.
      expect(lifeFact({ status: s, startedAt: 0, lastExit: EXIT }, 10_000).label).toBe(t.hasProcess ? 'Uptime' : 'Exited');
      expect(isCurrent({ status: s })).toBe(t.hasProcess);
      // A notice of an exit says 'restarted' once a new process is up or coming up.
      const notice = completed({ kind: 'crash', backend: 'a', title: '', body: '', afterExitOf: 7 }, backend('a', { status: s, nextRestartAt: null, restartPolicy: 'always' }), 0);
      expect(notice.body === 'restarted').toBe(t.live && !t.down);
      // The supervisor watches health and accepts stop in the live states.
      expect(SUPERVISOR_LIVE.includes(s)).toBe(t.live);
      // /metrics: up while serving; a llama-server's figures only while live.
      const body = await scrape(s);
      expect(body).toContain(`vigil_backend_up{backend="a"} ${t.serving ? 1 : 0}`);
      expect(body.includes('vigil_llama_slots_total{backend="a"} 4')).toBe(t.live);
    });
  }
});

/** Product sources, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.(test|d)\.tsx?$/.test(e.name) && !e.parentPath.includes('node_modules'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

// The supervisor's own tables say where it may move and which states its start-up timer covers: not a meaning of a status.
// A manager's own words for its servers' states (llama-swap's /running) only share spellings with Vigil's statuses.
const OWNERS = new Set(['electron/common/status.ts', 'electron/common/state.ts', 'electron/core/supervisor/state-machine.ts', 'electron/core/supervisor/process-driver.ts', 'electron/core/watch/managers/llama-swap.ts']);

describe('no product file keeps its own list of statuses', () => {
  it('a list of two or more backend statuses is written only in the table and the state machine', () => {
    const quoted = BACKEND_STATUSES.map((s) => `'${s}'`).join('|');
    // An array or Set literal whose first two entries are backend statuses.
    const list = new RegExp(`\\[\\s*(?:${quoted})\\s*,\\s*(?:${quoted})`, 'g');
    const offenders: string[] = [];
    for (const f of [...sources('electron'), ...sources('renderer')]) {
      if (OWNERS.has(f)) continue;
      const text = readFileSync(path.join(ROOT, f), 'utf8');
      for (const m of text.matchAll(list)) offenders.push(`${f}: ${m[0]}`);
    }
    expect(offenders).toEqual([]);
  });
});
