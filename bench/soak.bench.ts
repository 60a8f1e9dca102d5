// Soak: 50 fake llama-servers under one Vigil for VIGIL_SOAK_MINUTES (default
// 30) — crash-looping, OOM-killed by their memory cgroup about once a minute,
// hanging and restarted by the health policy, or steady — with a dashboard
// WebSocket client connected, the dashboard's event and history requests
// each minute and a Prometheus-style /metrics scrape every 15 s. One row a
// minute of Vigil's file descriptors, RSS and heap (after a full GC); at the
// end, every process each fake server recorded at its start (--pid-file) must
// have exactly one exit in the journal. Runs only when named
// (`npm run bench -- soak`): half an hour is too long for every bench run.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import WebSocket from 'ws';
import type { VigilEvent, VigilState } from '../electron/common/state.js';
import { all, cgroupV1Memory, isRoot } from '../test-support/capabilities.js';
import { FAKE_SERVER } from '../test-support/supervisor-harness.js';
import { fmt, table } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const MINUTES = Number(process.env.VIGIL_SOAK_MINUTES ?? 30);
const GROUPS = { crash: 15, oom: 10, hang: 10, steady: 15 } as const;
type Group = keyof typeof GROUPS;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const MiB = 1024 * 1024;
/** Every server logs a slot line this often, so every backend's 2000-line ring is full by minute 9 and the last 10 minutes show whether memory levels. */
const LOG_EVERY_MS = 250;

interface Row {
  minute: number;
  fds: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  started: number;
  events: number;
  wsMessages: number;
  /** State messages (snapshot or delta) that minute, and their bytes. */
  stateMessages: number;
  stateBytes: number;
  crashLogLines: number;
  /** Log lines Vigil holds in memory over all backends (each ring keeps 2000). */
  logLines: number;
}

/** Rises/falls per minute by least squares over (x, y). */
function slope(xs: number[], ys: number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

function configYaml(dir: string, oomOk: boolean): { yaml: string; groupOf: Map<string, Group> } {
  const node = JSON.stringify(process.execPath);
  const fake = JSON.stringify(FAKE_SERVER);
  const groupOf = new Map<string, Group>();
  const lines = ['backends:'];
  const policy = 'restart: { policy: always, backoff: { initial: 500ms, factor: 1, max: 500ms }, limit: { count: 1000000, window: 1m } }';
  for (const [group, n] of Object.entries(GROUPS) as [Group, number][]) {
    for (let i = 0; i < n; i++) {
      const id = `${group}${String(i).padStart(2, '0')}`;
      groupOf.set(id, group);
      const extra: string[] = [];
      let health = 'health: { interval: 2s, timeout: 1s }';
      let memory = '';
      // Spread over the group so their exits do not fall in step.
      if (group === 'crash') extra.push('--crash-after-ms', String(5000 + Math.round((4000 * i) / n)));
      if (group === 'hang') {
        extra.push('--hang-after-ms', String(20_000 + Math.round((20_000 * i) / n)));
        health = 'health: { interval: 1s, timeout: 1s, unhealthyAfter: 2, restartAfter: 3 }';
      }
      if (group === 'oom' && oomOk) {
        // ~45 MiB at start plus 1.5 MiB/s reaches 128 MiB in about a minute.
        extra.push('--grow-mb-per-sec', '1.5');
        memory = '    memoryLimit: 128M';
      }
      extra.push('--log-every-ms', String(LOG_EVERY_MS));
      const argv = [node, fake, '--port', '"${PORT}"', ...extra.map((a) => JSON.stringify(a)), '--pid-file', JSON.stringify(path.join(dir, 'pids', id))];
      lines.push(`  ${id}:`, `    cmd: [${argv.join(', ')}]`, `    ${health}`, `    ${policy}`, '    stop: { grace: 3s }');
      if (memory) lines.push(memory);
    }
  }
  return { yaml: `${lines.join('\n')}\n`, groupOf };
}

/** The soak host bundled for plain node (no tsx loader in the measured process). */
async function bundleHost(dir: string): Promise<string> {
  const entry = path.join(dir, 'soak-host.mjs');
  await build({ entryPoints: [path.join(here, 'soak-host.ts')], outfile: entry, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', nodePaths: [], logLevel: 'warning' });
  symlinkSync(path.join(here, '..', 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return entry;
}

/** Every event in the state directory's journal files, oldest first; lines that do not parse are counted. */
function readJournal(stateDir: string): { events: VigilEvent[]; bad: number } {
  const files = readdirSync(stateDir)
    .map((f) => /^events(?:\.(\d+))?\.jsonl$/.exec(f))
    .filter((m) => m !== null)
    .sort((a, b) => Number(b[1] ?? 0) - Number(a[1] ?? 0))
    .map((m) => path.join(stateDir, m[0]));
  const events: VigilEvent[] = [];
  let bad = 0;
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        events.push(JSON.parse(line) as VigilEvent);
      } catch {
        bad++;
      }
    }
  }
  return { events, bad };
}

export const onlyWhenNamed = true;

export default async function (): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-soak-'));
  const stateDir = path.join(dir, 'state');
  mkdirSync(path.join(dir, 'pids'));
  const oomWhy = all(isRoot, cgroupV1Memory)();
  const { yaml, groupOf } = configYaml(dir, oomWhy === null);
  const configPath = path.join(dir, 'config.yaml');
  writeFileSync(configPath, yaml);
  const entry = await bundleHost(dir);
  let host: ChildProcess | null = null;
  let ws: WebSocket | null = null;
  try {
    host = spawn(process.execPath, ['--expose-gc', entry, configPath, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = host.pid!;
    let out = '';
    let err = '';
    const mems: string[] = [];
    host.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/^MEM (.+)$/gm)) mems.push(m[1]!);
      out = out.replace(/^MEM .+\n/gm, '');
    });
    host.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    const ready = await (async () => {
      for (let i = 0; i < 600; i++) {
        const m = /READY (\d+) (\S+)/.exec(out);
        if (m) return { port: Number(m[1]), token: m[2]! };
        if (host.exitCode !== null) throw new Error(`soak host ended: ${err}`);
        await sleep(100);
      }
      throw new Error(`soak host did not start: ${err}`);
    })();
    const base = `http://127.0.0.1:${ready.port}`;
    const headers = { Authorization: `Bearer ${ready.token}` };
    const get = async <T>(p: string): Promise<T> => (await (await fetch(`${base}${p}`, { headers })).json()) as T;
    const t0 = performance.now();
    for (;;) {
      const s = await get<VigilState>('/api/state');
      if (s.backends.filter((b) => groupOf.get(b.id) === 'steady' && b.status === 'ready').length === GROUPS.steady) break;
      if (performance.now() - t0 > 300_000) throw new Error('the steady backends did not all become ready in 5 minutes');
      await sleep(1000);
    }

    ws = new WebSocket(`ws://127.0.0.1:${ready.port}/ws?token=${ready.token}`);
    let wsMessages = 0;
    let wsBytes = 0;
    let stateMessages = 0;
    let stateBytes = 0;
    ws.on('message', (d: Buffer) => {
      wsMessages++;
      wsBytes += d.length;
      // A state message starts {"type":"state" (the bridge serializes type first).
      if (d.subarray(0, 16).toString() === '{"type":"state",') {
        stateMessages++;
        stateBytes += d.length;
      }
    });
    await new Promise((r, j) => (ws!.once('open', r), ws!.once('error', j)));
    const scrape = setInterval(() => void fetch(`${base}/metrics`, { headers }).then((r) => r.text()).catch(() => undefined), 15_000);

    const started = (): number =>
      readdirSync(path.join(dir, 'pids')).reduce((n, f) => n + readFileSync(path.join(dir, 'pids', f), 'utf8').split('\n').filter(Boolean).length, 0);
    const rows: Row[] = [];
    let lastWs = 0;
    let lastState = { n: 0, bytes: 0 };
    const sample = async (minute: number): Promise<void> => {
      // What the dashboard asks for when it is open.
      await get('/api/events?limit=200');
      await get('/api/history?range=hour');
      let logLines = 0;
      let crashLogLines = 0;
      for (const id of groupOf.keys()) {
        const n = (await get<{ lines: unknown[] }>(`/api/backends/${id}/logs?lines=10000`)).lines.length;
        logLines += n;
        if (id === 'crash00') crashLogLines = n;
      }
      const want = mems.length + 1;
      host!.kill('SIGUSR2');
      for (let i = 0; i < 200 && mems.length < want; i++) await sleep(50);
      const mem = JSON.parse(mems.at(-1)!) as NodeJS.MemoryUsage;
      const last = await get<VigilEvent[]>('/api/events?limit=1');
      rows.push({
        minute,
        fds: readdirSync(`/proc/${pid}/fd`).length,
        rssMiB: Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024,
        heapUsedMiB: mem.heapUsed / MiB,
        heapTotalMiB: mem.heapTotal / MiB,
        externalMiB: mem.external / MiB,
        started: started(),
        events: last[0]?.seq ?? 0,
        wsMessages: wsMessages - lastWs,
        stateMessages: stateMessages - lastState.n,
        stateBytes: stateBytes - lastState.bytes,
        crashLogLines,
        logLines,
      });
      lastWs = wsMessages;
      lastState = { n: stateMessages, bytes: stateBytes };
      console.log(`  soak minute ${minute}: ${JSON.stringify(rows.at(-1))}`);
    };
    await sample(0);
    const start = performance.now();
    for (let minute = 1; minute <= MINUTES; minute++) {
      await sleep(Math.max(0, start + minute * 60_000 - performance.now()));
      if (host.exitCode !== null) throw new Error(`Vigil died at minute ${minute}: ${err}`);
      await sample(minute);
    }
    clearInterval(scrape);
    ws.close();
    const finalState = await get<VigilState>('/api/state');

    // Stop Vigil (it stops every backend, journaling those exits too), then account.
    const stopAt = Date.now();
    host.kill('SIGTERM');
    await new Promise((r) => (host!.exitCode !== null ? r(null) : host!.once('exit', r)));
    const { events, bad } = readJournal(stateDir);
    const exits = events.filter((e) => e.kind === 'exit');
    const perGroup = new Map<Group, { started: number; exits: number; missing: number; dup: number; oomKilled: number; atStop: number }>();
    const missing: string[] = [];
    const extraDetail: string[] = [];
    let unrecordedAtStop = 0;
    // Pids are recycled (pid_max is often 32768): match each backend's recorded pids with its exits as multisets.
    for (const [id, group] of groupOf) {
      const f = path.join(dir, 'pids', id);
      const recorded = new Map<number, number>();
      for (const p of existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean).map(Number) : []) recorded.set(p, (recorded.get(p) ?? 0) + 1);
      const mine = exits.filter((e) => e.backend === id);
      const journaled = new Map<number, number>();
      for (const e of mine) journaled.set(e.pid!, (journaled.get(e.pid!) ?? 0) + 1);
      const g = perGroup.get(group) ?? { started: 0, exits: 0, missing: 0, dup: 0, oomKilled: 0, atStop: 0 };
      for (const [p, n] of recorded) {
        g.started += n;
        const j = journaled.get(p) ?? 0;
        if (j < n) {
          g.missing += n - j;
          missing.push(`${id} pid ${p}: ${events.filter((e) => e.backend === id).slice(-4).map((e) => `${e.kind}${e.to ? `→${e.to}` : ''} pid ${e.pid} "${e.reason}"`).join('; ')}`);
        }
        if (j > n) g.dup += j - n;
      }
      for (const e of mine) {
        if (recorded.has(e.pid!)) continue;
        // Spawned just before the stop and killed before node ran the fixture's first line.
        if (e.time >= stopAt && e.exit?.signal !== null) unrecordedAtStop++;
        else extraDetail.push(`${id} pid ${e.pid} seq ${e.seq} "${e.reason}"`);
      }
      g.exits += mine.length;
      g.oomKilled += mine.filter((e) => e.exit?.oomKilled).length;
      g.atStop += mine.filter((e) => e.time >= stopAt).length;
      perGroup.set(group, g);
    }
    const firstSeq = events[0]?.seq ?? 0;
    const seqGaps = events.slice(1).filter((e, i) => e.seq !== events[i]!.seq + 1).length;

    const steady = rows.filter((r) => r.minute >= 2);
    const half = rows.filter((r) => r.minute >= MINUTES / 2);
    // A leak only ever adds descriptors; the count at one instant moves with spawns and probes in flight.
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const fdEarly = median(steady.slice(0, 3).map((r) => r.fds));
    const fdLate = median(steady.slice(-3).map((r) => r.fds));
    const fdFlat = fdLate - fdEarly <= 5;
    const heapSlope = slope(half.map((r) => r.minute), half.map((r) => r.heapUsedMiB));
    const rssSlope = slope(half.map((r) => r.minute), half.map((r) => r.rssMiB));
    const last10 = rows.filter((r) => r.minute >= MINUTES - 10);
    const heapSlope10 = slope(last10.map((r) => r.minute), last10.map((r) => r.heapUsedMiB));
    const rssSlope10 = slope(last10.map((r) => r.minute), last10.map((r) => r.rssMiB));
    const perMin = rows.filter((r) => r.minute >= 1);
    const stateMsgsPerMin = perMin.reduce((n, r) => n + r.stateMessages, 0) / Math.max(1, perMin.length);
    const stateKiBPerMin = perMin.reduce((n, r) => n + r.stateBytes, 0) / 1024 / Math.max(1, perMin.length);
    const linesSlope = slope(half.map((r) => r.minute), half.map((r) => r.logLines));
    // Heap per log line held, from the second half: what the growth would be if the rings explain all of it.
    const bytesPerLine = slope(half.map((r) => r.logLines), half.map((r) => r.heapUsedMiB * MiB));
    const crashRingFull = rows.at(-1)!.crashLogLines >= 2000;
    const allOnce = [...perGroup.values()].every((g) => g.missing === 0 && g.dup === 0) && extraDetail.length === 0;
    const oom = perGroup.get('oom')!;

    return [
      `${Object.entries(GROUPS).map(([g, n]) => `${n} ${g}`).join(', ')} fake llama-servers under one Vigil (the core and the headless host in one process, bundled, plain node with --expose-gc) for **${MINUTES} minutes**${MINUTES === 30 ? '' : ' (the default is 30; VIGIL_SOAK_MINUTES set it shorter on this shared machine)'}: crash-loopers exit 5–9 s after each start; ${oomWhy === null ? 'the oom group grows 1.5 MiB/s in a 128 MiB memory cgroup (v1) until the kernel kills it' : `the oom group runs steady (${oomWhy})`}; the hang group stops answering 20–40 s after each start and is restarted after 3 failed probes (1 s apart); restart policy always, backoff 500 ms; every server logs a slot line each ${LOG_EVERY_MS} ms, so each backend's log ring (2000 lines) is full within about ${Math.ceil((2000 * LOG_EVERY_MS) / 60_000)} minutes. A dashboard WebSocket client stays connected; each minute the bench asks for the last 200 events, the hour of history and every backend's log (as the dashboard does when each card is opened) and /metrics is scraped every 15 s.`,
      '',
      `Each row: file descriptors of the Vigil process (/proc/<pid>/fd), VmRSS, V8 heap after a forced GC (used / total) and external memory, processes the fake servers recorded so far, the journal's last seq, messages the WebSocket client received in that minute (all; then the state messages alone and their KiB), and the log lines Vigil holds in memory over all 50 backends (each backend's ring keeps its last 2000; crash00's in brackets).`,
      '',
      table(
        ['min', 'fds', 'RSS MiB', 'heap used MiB', 'heap total MiB', 'external MiB', 'processes started', 'events (seq)', 'WS msgs/min', 'state msgs/min', 'state KiB/min', 'log lines held (crash00)'],
        rows.map((r) => [String(r.minute), String(r.fds), fmt(r.rssMiB, 1), fmt(r.heapUsedMiB, 1), fmt(r.heapTotalMiB, 1), fmt(r.externalMiB, 1), String(r.started), String(r.events), String(r.wsMessages), String(r.stateMessages), fmt(r.stateBytes / 1024, 1), `${r.logLines} (${r.crashLogLines})`]),
      ),
      '',
      `Exits (journal files read after Vigil stopped every backend; ${bad} unparsable line(s); seq ${firstSeq}–${events.at(-1)?.seq ?? 0}, ${seqGaps} gap(s)${firstSeq > 1 ? '; the oldest events were rotated away, so the check covers what is left' : ''}):`,
      '',
      table(
        ['group', 'processes started', 'exits journaled', 'of them at the stop', 'missing', 'more than once', 'exits marked oom-killed'],
        [...perGroup.entries()].map(([g, x]) => [g, String(x.started), String(x.exits), String(x.atStop), String(x.missing), String(x.dup), String(x.oomKilled)]),
      ),
      '',
      ...(missing.length ? [`Missing exits, with the backend's last journal events: ${missing.map((m) => `\n- ${m}`).join('')}`, ''] : []),
      `Exits in the journal for a pid no fake server recorded: ${extraDetail.length}${extraDetail.length ? ` (${extraDetail.join('; ')})` : ''}; besides, ${unrecordedAtStop} process(es) spawned just before the stop were killed by it before they could record their pid (their exits are journaled). WebSocket: ${wsMessages} messages, ${(wsBytes / MiB).toFixed(1)} MiB; of them ${stateMessages} state messages (a snapshot, then deltas), ${(stateBytes / MiB).toFixed(2)} MiB — ${fmt(stateMsgsPerMin, 0)} state messages and ${fmt(stateKiBPerMin, 0)} KiB per minute to the one dashboard. Restarts by policy at the end: ${finalState.backends.reduce((n, b) => n + b.restarts, 0)}.`,
      '',
      `**Verdict.** File descriptors from minute 2 on: ${Math.min(...steady.map((r) => r.fds))}–${Math.max(...steady.map((r) => r.fds))} , median of the first three rows ${fdEarly}, of the last three ${fdLate} (${fdFlat ? 'flat ✅; the spread is spawns and probes in flight at the moment of the count' : 'growing ❌'}). Every recorded process has exactly one exit in the journal, and no exit is unaccounted for: ${allOnce ? 'yes ✅' : 'no ❌'}. OOM kills: ${oom.oomKilled} of the oom group's ${oom.exits - oom.atStop} exits before the stop marked oom-killed. Second half: heap used after GC ${fmt(heapSlope, 3)} MiB/min while the log rings gained ${fmt(linesSlope, 0)} lines/min (≈ ${fmt(bytesPerLine, 0)} bytes of heap per line held), RSS ${fmt(rssSlope, 2)} MiB/min; last 10 minutes: heap ${fmt(heapSlope10, 3)} MiB/min, RSS ${fmt(rssSlope10, 2)} MiB/min. ${crashRingFull ? "The crash-loopers' rings were full by the end (crash00 at 2000 lines): growth after that is not theirs." : `The crash-loopers' rings were still filling (crash00 at ${rows.at(-1)!.crashLogLines} of 2000 lines; full after about ${fmt(2000 / Math.max(1, slope(half.map((r) => r.minute), half.map((r) => r.crashLogLines))), 0)} minutes): growth at that rate per line is the rings filling, which is bounded; ${MINUTES < 30 ? 'the default 30-minute run' : 'a longer run'} shows it level off.`}`,
    ].join('\n');
  } finally {
    ws?.close();
    if (host && host.exitCode === null) {
      host.kill('SIGTERM');
      await Promise.race([new Promise((r) => host!.once('exit', r)), sleep(30_000)]);
      if (host.exitCode === null) host.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
