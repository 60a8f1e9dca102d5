// State to the dashboards, measured on `vigil serve` as a user runs it
// (`node bin/vigil.mjs serve`, the built CLI, default config: watch mode and
// the kernel log on), 50 Python HTTP backends ready:
//  (a) vigil serve's CPU with no dashboard, in 60 s windows from the moment
//      all are ready; the steady state is 180–360 s; then a CPU profile of the
//      next 60 s (inspector opened by SIGUSR1) says where it goes; at the end
//      the same windows with the backends on HTTP/1.1 keep-alive;
//  (b) one more backend changing state about once a second, one dashboard
//      WebSocket: bytes per state message as sent (snapshot, then deltas) and,
//      in the same run for the same pushes, the snapshot the naive push sent;
//  (c) nothing happening: state messages per minute to that dashboard;
//  (d) the dashboard open in Debian's Chromium, nothing happening: CPU of its
//      renderer process (and the browser's others) from /proc.
// Needs `npm run build` first (out/main/cli.js, out/renderer).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import WebSocket from 'ws';
import type { VigilState } from '../electron/common/state.js';
import type { ServerMessage } from '../electron/common/ws-protocol.js';
import { stateFollower } from '../test-support/state-follower.js';
import { fmt, table } from './stats.js';

const BACKENDS = 50;
/** VIGIL_BENCH_SCALE=0.1: every phase a tenth as long (a smoke run; its figures mean little). */
const SCALE = Number(process.env.VIGIL_BENCH_SCALE ?? 1);
const WINDOW_S = 60 * SCALE;
const CPU_WINDOWS = 6;
const CHANGE_S = 60 * SCALE;
const IDLE_S = 120 * SCALE;
const BROWSER_S = 60 * SCALE;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TICKS = 100; // USER_HZ
const KiB = 1024;

/** utime + stime of a process, in clock ticks. */
const cpuTicks = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};
const childrenOf = (pid: number): number[] => {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
};
const tree = (pid: number): number[] => [pid, ...childrenOf(pid).flatMap(tree)];

async function until<T>(f: () => Promise<T | null> | T | null, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    let v: T | null;
    try {
      v = await f();
    } catch {
      v = null;
    }
    if (v !== null && v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(500);
  }
}

/** HTTP/1.0 is `http.server`'s default: it closes the connection after each answer, so every probe connects anew. */
function configYaml(www: string, protocol: 'HTTP/1.0' | 'HTTP/1.1' = 'HTTP/1.0'): string {
  const py = (extra: string[]) => `[python3, -m, http.server, "\${PORT}", --bind, 127.0.0.1, --directory, ${JSON.stringify(www)}, --protocol, ${protocol}${extra.join('')}]`;
  const lines = ['backends:'];
  for (let i = 0; i < BACKENDS; i++) lines.push(`  py${String(i).padStart(2, '0')}:`, `    cmd: ${py([])}`, '    health: { path: / }');
  // The one that changes: up for a second, then exits; restarted at once, without limit.
  lines.push(
    '  flapper:',
    `    cmd: [python3, -c, "import time; time.sleep(1)"]`,
    '    health: { path: none }',
    '    autostart: false',
    '    restart: { policy: always, backoff: { initial: 100ms, factor: 1 }, limit: { count: 1000, window: 1m } }',
  );
  return `${lines.join('\n')}\n`;
}

interface Serve {
  child: ChildProcess;
  port: number;
  token: string;
  err(): string;
}

async function startServe(dir: string): Promise<Serve> {
  // --inspect-port=0: the inspector SIGUSR1 opens later takes a free port (the machine is shared).
  const child = spawn(process.execPath, ['--inspect-port=0', path.join(root, 'bin', 'vigil.mjs'), 'serve', '--config', path.join(dir, 'config.yaml'), '--state-dir', path.join(dir, 'state'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VIGIL_TOKEN: 'bench-token-0123456789abcdef' },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
  const m = await until(() => /Vigil dashboard: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out), 60_000, `the dashboard URL (stderr: ${err})`);
  return { child, port: Number(m[1]), token: 'bench-token-0123456789abcdef', err: () => err };
}

async function api<T>(s: Serve, p: string, method = 'GET'): Promise<T> {
  const r = await fetch(`http://127.0.0.1:${s.port}${p}`, { method, headers: { authorization: `Bearer ${s.token}` } });
  return (await r.json()) as T;
}

/** A CPU profile of `pid` for `seconds`, through the inspector SIGUSR1 opens: self time by function. */
async function profile(s: Serve, seconds: number): Promise<{ rows: string[][]; samples: number }> {
  process.kill(s.child.pid!, 'SIGUSR1');
  const url = await until(() => /Debugger listening on (ws:\/\/\S+)/.exec(s.err())?.[1] ?? null, 10_000, 'the inspector');
  const ws = new WebSocket(url);
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  let id = 0;
  const call = (method: string, params: object = {}): Promise<Record<string, unknown>> =>
    new Promise((resolve) => {
      const my = ++id;
      const on = (d: Buffer): void => {
        const m = JSON.parse(d.toString()) as { id?: number; result?: Record<string, unknown> };
        if (m.id !== my) return;
        ws.off('message', on);
        resolve(m.result ?? {});
      };
      ws.on('message', on);
      ws.send(JSON.stringify({ id: my, method, params }));
    });
  await call('Profiler.enable');
  await call('Profiler.setSamplingInterval', { interval: 1000 });
  await call('Profiler.start');
  await sleep(seconds * 1000);
  const { profile: p } = (await call('Profiler.stop')) as { profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[] } };
  ws.close();
  const count = new Map<number, number>();
  for (const s of p.samples) count.set(s, (count.get(s) ?? 0) + 1);
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const c = count.get(n.id) ?? 0;
    if (!c) continue;
    const f = n.callFrame;
    const where = f.url ? `${path.basename(f.url.replace(/^file:\/\//, ''))}:${f.lineNumber + 1}` : '';
    const key = `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    byFn.set(key, (byFn.get(key) ?? 0) + c);
  }
  const total = p.samples.length;
  const idle = byFn.get('(idle)') ?? 0;
  const rows = [...byFn.entries()]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, 12)
    .map(([k, c]) => [`\`${k}\``, String(c), `${((100 * c) / Math.max(1, total - idle)).toFixed(1)} %`]);
  return { rows, samples: total - idle };
}

const describe = (m: Map<string, number>): string =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `\`${k}\` ${n}`)
    .join(', ');

/** vigil serve's CPU in CPU_WINDOWS windows from now: a row per window, and the steady state (the mean of the last three). */
async function cpuWindows(s: Serve): Promise<{ rows: string[][]; pcts: number[]; steadyPct: number }> {
  const rows: string[][] = [];
  const pcts: number[] = [];
  for (let w = 0; w < CPU_WINDOWS; w++) {
    const t0 = cpuTicks(s.child.pid!);
    const wall0 = performance.now();
    await sleep(WINDOW_S * 1000);
    const pct = ((cpuTicks(s.child.pid!) - t0) / TICKS / ((performance.now() - wall0) / 1000)) * 100;
    pcts.push(pct);
    rows.push([`${fmt(w * WINDOW_S)}–${fmt((w + 1) * WINDOW_S)} s${w >= 3 ? ' (steady)' : ''}`, fmt(pct)]);
  }
  const steady = pcts.slice(3);
  return { rows, pcts, steadyPct: steady.reduce((a, b) => a + b, 0) / steady.length };
}

/** The same 50 backends answering HTTP/1.1 and keeping the connection (as llama-server and uvicorn do): CPU windows only. */
async function keepAliveCpu(): Promise<{ pcts: number[]; steadyPct: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-state-push-ka-'));
  const www = path.join(dir, 'www');
  mkdirSync(www);
  writeFileSync(path.join(dir, 'config.yaml'), configYaml(www, 'HTTP/1.1'));
  const s = await startServe(dir);
  try {
    await until(async () => {
      const st = await api<VigilState>(s, '/api/state');
      return st.backends.filter((b) => b.status === 'ready').length === BACKENDS ? true : null;
    }, 300_000, 'all keep-alive backends ready');
    return await cpuWindows(s);
  } finally {
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<string> {
  if (!existsSync(path.join(root, 'out', 'main', 'cli.js')) || !existsSync(path.join(root, 'out', 'renderer', 'index.html'))) throw new Error('run npm run build first (out/main/cli.js, out/renderer)');
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-state-push-'));
  const www = path.join(dir, 'www');
  mkdirSync(www);
  writeFileSync(path.join(dir, 'config.yaml'), configYaml(www));
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const s = await startServe(dir);
  const out: string[] = [];
  try {
    await until(async () => {
      const st = await api<VigilState>(s, '/api/state');
      return st.backends.filter((b) => b.status === 'ready').length === BACKENDS ? true : null;
    }, 300_000, 'all backends ready');

    // (a) no dashboard.
    const { rows: cpuRows, steadyPct } = await cpuWindows(s);
    const prof = await profile(s, WINDOW_S);

    // (b) one dashboard, one backend changing about once a second.
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws?token=${s.token}`);
    const follower = stateFollower();
    const got = { messages: 0, bytes: 0, snapshots: 0, naiveBytes: 0, first: 0 };
    /** What the deltas of the current phase touched: 'memory', 'backends.healthLatencyMs', 'events +' … */
    let touched = new Map<string, number>();
    const touch = (k: string): void => void touched.set(k, (touched.get(k) ?? 0) + 1);
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      if (m.type !== 'state') return;
      const state = follower.apply(m);
      if ('state' in m) {
        got.snapshots++;
        got.first = d.length;
        return;
      }
      got.messages++;
      got.bytes += d.length;
      for (const k of Object.keys(m.delta.set ?? {})) if (k !== 'time') touch(k);
      for (const [list, ld] of Object.entries(m.delta.lists ?? {})) {
        if (ld.add) touch(`${list} added`);
        if (ld.remove) touch(`${list} removed`);
        for (const c of ld.change ?? []) for (const f of Object.keys(c.set ?? {})) touch(`${list}.${f}`);
      }
      // What the naive push sent for this change: the whole state.
      got.naiveBytes += Buffer.byteLength(JSON.stringify({ type: 'state', state }));
    });
    await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
    await api(s, '/api/backends/flapper/start', 'POST');
    await sleep(CHANGE_S * 1000);
    const changing = { ...got };
    const flapperRestarts = follower.state?.backends.find((b) => b.id === 'flapper')?.restarts ?? 0;
    await api(s, '/api/backends/flapper/stop', 'POST');
    await until(() => (follower.state?.backends.find((b) => b.id === 'flapper')?.status === 'stopped' ? true : null), 30_000, 'the flapper to stop');
    await sleep(5000);

    // (c) nothing happening.
    const before = { ...got };
    const changingTouched = touched;
    touched = new Map();
    await sleep(IDLE_S * 1000);
    const idleMsgs = got.messages - before.messages;
    const idleBytes = got.bytes - before.bytes;
    const idleTouched = touched;

    // (d) the dashboard in Chromium, nothing happening.
    const browser = await chromium.launch({
      executablePath: process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    let browserRows: string[][] = [];
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${s.port}/?token=${s.token}`);
      await page.locator('[data-testid="backend-py49"]').waitFor({ timeout: 60_000 });
      await sleep(10_000);
      const browserPid = childrenOf(process.pid).find((p) => /chrom/.test(cmdline(p)))!;
      const procs = tree(browserPid);
      const kind = (p: number): string => /--type=(\S+)/.exec(cmdline(p))?.[1] ?? 'browser';
      const t0 = new Map(procs.map((p) => [p, cpuTicks(p)]));
      const wall0 = performance.now();
      await sleep(BROWSER_S * 1000);
      const secs = (performance.now() - wall0) / 1000;
      const byKind = new Map<string, number>();
      for (const p of procs) {
        try {
          byKind.set(kind(p), (byKind.get(kind(p)) ?? 0) + (cpuTicks(p) - t0.get(p)!) / TICKS / secs * 100);
        } catch {
          // exited
        }
      }
      browserRows = [...byKind.entries()].sort().map(([k, v]) => [k, fmt(v)]);
    } finally {
      await browser.close();
    }
    const idleAfterBrowser = got.messages - before.messages - idleMsgs;
    ws.close();
    s.child.kill('SIGTERM');
    await new Promise((r) => s.child.once('exit', r));
    const ka = await keepAliveCpu();

    const avg = changing.bytes / Math.max(1, changing.messages);
    const naiveAvg = changing.naiveBytes / Math.max(1, changing.messages);
    out.push(
      `\`node bin/vigil.mjs serve\` (the built CLI, default config: watch mode and the kernel log on) with ${BACKENDS} Python \`http.server\` backends, health on \`/\` every 2 s. Load average (2 cores) when it started: ${load}.`,
      '',
      `**State messages, one dashboard (WebSocket).** The first is a snapshot (${(got.first / KiB).toFixed(1)} KiB); then a backend that lives a second and is restarted at once (restart policy always, backoff 100 ms; it restarted ${flapperRestarts} times) changes state for ${CHANGE_S} s. Each delta is compared with what the naive push sent for the same change — the whole state, computed here from the state the deltas rebuilt.`,
      '',
      table(
        ['phase', 'state messages', 'per minute', 'bytes', 'per message', 'naive snapshot per message', 'ratio', 'target'],
        [
          [`one backend changing, ${CHANGE_S} s`, String(changing.messages), fmt((changing.messages * 60) / CHANGE_S), String(changing.bytes), `${(avg / KiB).toFixed(2)} KiB`, `${(naiveAvg / KiB).toFixed(1)} KiB`, `${fmt(naiveAvg / Math.max(1, avg))}×`, `≤ 2 KiB ${avg <= 2 * KiB ? '✅' : '❌'}, ≥ 20× ${naiveAvg / avg >= 20 ? '✅' : '❌'}`],
          [`nothing happening, ${IDLE_S} s`, String(idleMsgs), fmt((idleMsgs * 60) / IDLE_S), String(idleBytes), idleMsgs ? `${(idleBytes / idleMsgs / KiB).toFixed(2)} KiB` : '—', '—', '—', `≤ 1/min ${(idleMsgs * 60) / IDLE_S <= 1 ? '✅' : '❌'}`],
          [`nothing happening, Chromium open, ${BROWSER_S + 10} s`, String(idleAfterBrowser), fmt((idleAfterBrowser * 60) / (BROWSER_S + 10)), '', '', '', '', ''],
        ],
      ),
      '',
      `What the deltas carried (number of deltas that changed each field; list fields per item): one backend changing — ${describe(changingTouched)}; nothing happening — ${describe(idleTouched) || 'nothing'}.`,
      '',
      `**vigil serve CPU, no dashboard** (utime+stime from /proc, % of one core), 60 s windows from the moment all ${BACKENDS} were ready. Target < 1 % in the steady state (the mean of 180–360 s): **${fmt(steadyPct)} %** ${steadyPct < 1 ? '✅' : '❌'}.`,
      '',
      table(['window', 'CPU %', 'same backends on HTTP/1.1 keep-alive'], cpuRows.map((r, i) => [...r, fmt(ka.pcts[i]!)])),
      '',
      `Python's \`http.server\` speaks HTTP/1.0 by default and closes the connection after each answer, so each of the 25 probes a second opens and closes a TCP connection; the last column is a second \`vigil serve\` over the same 50 backends started with \`--protocol HTTP/1.1\` (the connection kept, as llama-server and uvicorn-based servers such as vLLM keep it): steady state **${fmt(ka.steadyPct)} %** ${ka.steadyPct < 1 ? '✅' : '❌'}.`,
      '',
      `Where it goes: a CPU profile of the next ${WINDOW_S} s (V8 sampling every 1 ms through the inspector that SIGUSR1 opens; ${prof.samples} non-idle samples), self time by function, top 12:`,
      '',
      table(['function', 'samples', 'share of busy'], prof.rows),
      '',
      `**Chromium (Debian's), the dashboard open, nothing happening**: CPU by process type over ${BROWSER_S} s, % of one core. Target: renderer ≤ 1 %.`,
      '',
      table(['process', 'CPU %'], browserRows),
    );
  } finally {
    if (s.child.exitCode === null && s.child.signalCode === null) {
      s.child.kill('SIGTERM');
      await new Promise((r) => s.child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return out.join('\n');
}
