// Headless host: (a) resident memory of a `vigil serve` process idling with
// 10 fake llama-servers ready (with and without a dashboard client), under
// node with V8 defaults, as users start it (bin/vigil.mjs) and with the
// systemd unit's node flags; (b) WS
// state-push latency from a core state change to a WebSocket client
// receiving it (the browser-DOM part is measured by bench/ui.bench.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { VigilState } from '../electron/common/state.js';
import type { ServerMessage } from '../electron/common/ws-protocol.js';
import { createVigil } from '../electron/core/vigil.js';
import { startServer } from '../electron/serve/server.js';
import { SERVICE_NODE_FLAGS } from '../electron/cli/install-service.js';
import { FAKE_SERVER } from '../test-support/supervisor-harness.js';
import { stateFollower } from '../test-support/state-follower.js';
import { fmt, nowNs, summarize, table, percentile } from './stats.js';

const BACKENDS = 10;
const IDLE_SECONDS = 20;
const PUSH_SAMPLES = 300;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function configYaml(): string {
  const lines = ['backends:'];
  for (let i = 0; i < BACKENDS; i++) {
    lines.push(`  fake${i}:`, `    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}"]`, '    health: { interval: 2s, timeout: 1s }');
  }
  return `${lines.join('\n')}\n`;
}

const vmRssKb = (pid: number): number => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

async function until<T>(f: () => Promise<T | null> | T | null, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await sleep(100);
  }
}

/** Resident and anonymous (not file-backed) memory of a process, MiB, from smaps_rollup. */
function rollup(pid: number): { rss: number; anon: number } {
  const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+)`, 'm').exec(t)?.[1] ?? NaN);
  return { rss: kb('Rss') / 1024, anon: kb('Anonymous') / 1024 };
}

/** Idle RSS of `vigil serve` run with these node flags: table rows for no client and one dashboard client. */
async function idleRss(dir: string, nodeFlags: readonly string[], label: string, env: NodeJS.ProcessEnv = {}): Promise<{ rows: string[][]; usesBuilt: boolean }> {
  // As users start it: bin/vigil.mjs, which loads the built CLI (and sets V8's flags for serve).
  const usesBuilt = existsSync(path.join(root, 'out/main/cli.js'));
  const argv = usesBuilt ? [path.join(root, 'bin/vigil.mjs')] : ['--import', 'tsx', path.join(root, 'electron/cli/vigil.ts')];
  const state = path.join(dir, `state-rss-${label.replace(/\W+/g, '-')}`);
  const child = spawn(process.execPath, [...nodeFlags, ...argv, 'serve', '--config', path.join(dir, 'config.yaml'), '--state-dir', state, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, ...env } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  try {
    const m = await until(() => /(http:\/\/127\.0\.0\.1:(\d+))\/\?token=(\S+)/.exec(out), 30_000, 'dashboard URL');
    const base = m[1]!;
    const token = m[3]!;
    const auth = { Authorization: `Bearer ${token}` };
    await until(async () => {
      const s = (await (await fetch(`${base}/api/state`, { headers: auth })).json()) as VigilState;
      return s.backends.length === BACKENDS && s.backends.every((b) => b.status === 'ready') ? s : null;
    }, 60_000, 'all backends ready');
    const sample = async (): Promise<{ xs: number[]; anon: number }> => {
      const xs: number[] = [];
      for (let i = 0; i < IDLE_SECONDS; i++) {
        await sleep(1000);
        xs.push(vmRssKb(child.pid!) / 1024);
      }
      return { xs, anon: rollup(child.pid!).anon };
    };
    const idle = await sample();
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws?token=${token}`);
    await new Promise((r, j) => (ws.once('message', r), ws.once('error', j)));
    const withClient = await sample();
    ws.close();
    const row = (phase: string, r: { xs: number[]; anon: number }): string[] => {
      const s = summarize(r.xs);
      return [label, phase, fmt(s.min, 1), fmt(s.p50, 1), fmt(s.max, 1), fmt(r.anon, 1)];
    };
    return { rows: [row('idle, no client', idle), row('idle, one WS dashboard client', withClient)], usesBuilt };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function pushLatency(dir: string): Promise<string> {
  writeFileSync(path.join(dir, 'config2.yaml'), configYaml());
  const core = await createVigil({ configPath: path.join(dir, 'config2.yaml'), stateDir: path.join(dir, 'state-lat'), kmsgPath: null, journalctl: null });
  const server = await startServer({ service: core, rendererDir: dir });
  try {
    await until(() => (core.getState().backends.every((b) => b.status === 'ready') ? true : null), 60_000, 'all backends ready');
    // The state change is a config reload (the file is unchanged; its loadedAt moves). The core's
    // own subscriber marks the moment the change is in the store, so the reload's file read and
    // parse are not part of the figure, which is store change → message parsed.
    let storeChangedAt = 0;
    let shownLoadedAt = core.getState().config.loadedAt;
    core.subscribe((st) => {
      if (st.config.loadedAt === shownLoadedAt) return;
      shownLoadedAt = st.config.loadedAt;
      storeChangedAt = nowNs();
    });
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${server.token}`);
    let waiting: { after: number; resolve: (t: number) => void } | null = null;
    let bytes = 0;
    const follower = stateFollower();
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as ServerMessage;
      if (m.type !== 'state') return;
      const state = follower.apply(m);
      if (!waiting) return;
      bytes = d.length;
      if ((state.config.loadedAt ?? 0) > waiting.after) waiting.resolve(nowNs());
    });
    await new Promise((r) => ws.once('open', r));
    const samples: number[] = [];
    for (let i = 0; i < PUSH_SAMPLES; i++) {
      // Spaced wider than the 50 ms throttle window, with jitter, so the sampler's
      // own state changes sometimes land in the window (as they do in real use).
      await sleep(60 + Math.random() * 60);
      const got = new Promise<number>((resolve) => (waiting = { after: core.getState().config.loadedAt ?? 0, resolve }));
      await core.reloadConfig();
      samples.push((await got - storeChangedAt) / 1e6);
    }
    ws.close();
    const s = [...samples].sort((a, b) => a - b);
    return [
      `WebSocket state push, in one process: core store change → \`state\` message parsed by a \`ws\` client on 127.0.0.1 (${BACKENDS} ready backends, a delta after the first snapshot, last one ≈ ${bytes} bytes). ${PUSH_SAMPLES} changes spaced 60–120 ms; pushes are throttled to ≤ 20/s, so a change landing within 50 ms of the previous push waits for the window.`,
      '',
      table(['n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms'], [[String(s.length), fmt(percentile(s, 50)), fmt(percentile(s, 95)), fmt(percentile(s, 99)), fmt(s.at(-1)!)]]),
    ].join('\n');
  } finally {
    await server.close();
    await core.shutdown();
  }
}

export default async function (): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-host-'));
  try {
    writeFileSync(path.join(dir, 'config.yaml'), configYaml());
    const naive = await idleRss(dir, [], '`node bin/vigil.mjs serve`, `VIGIL_V8_DEFAULTS=1` (V8 defaults)', { VIGIL_V8_DEFAULTS: '1' });
    const plain = await idleRss(dir, [], '`node bin/vigil.mjs serve` (as users start it; lite mode set by the script)');
    const service = await idleRss(dir, SERVICE_NODE_FLAGS, `\`node ${SERVICE_NODE_FLAGS.join(' ')} bin/vigil.mjs serve\` (the systemd unit)`);
    const rss = [
      `VmRSS of the \`vigil serve\` process (${plain.usesBuilt ? 'bin/vigil.mjs running the built out/main/cli.js' : 'tsx from source — build first for the shipped figure'}), ${BACKENDS} fake llama-servers ready, health every 2 s, sampled each second for ${IDLE_SECONDS} s after all were ready; the last column is the anonymous (not file-backed) part at the end of the phase. The rest is file-backed, mostly the node binary's own pages (~37 MiB for a bare node HTTP server here), which every node process on the machine shares. Backends are separate processes and not counted. prom-client and ws are loaded only on the first /metrics scrape and the first WebSocket, so the client phase includes ws.`,
      '',
      table(['node', 'phase', 'min MiB', 'median MiB', 'max MiB', 'anonymous MiB'], [...naive.rows, ...plain.rows, ...service.rows]),
    ].join('\n');
    const lat = await pushLatency(dir);
    return `${rss}\n\n${lat}\n`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
