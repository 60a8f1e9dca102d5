// UI responsiveness, measured in Debian's Chromium:
//  (a) latency from a state change in the core to the DOM showing it: kill -9 a
//      backend of the real headless host and time (MutationObserver, wall
//      clock) until its card's status changes; target p95 ≤ 100 ms;
//  (b) renderer frame times with 50 backends and an hour of 1 s history while
//      state pushes and history polls keep arriving (synthetic window.vigil:
//      a real host cannot hold an hour of history without running for one);
//      target: no frame's main-thread work over 16 ms.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { CLI, ROOT, needsBuild } from '../e2e/support/global-setup.js';
import { fakeLlama, FAKE_LLAMA, startHost } from '../e2e/support/host.js';
import { serveStatic } from '../e2e/support/static-server.js';
import { syntheticVigilScript } from '../e2e/support/synthetic-vigil.js';
import { fmt, summarize, table } from './stats.js';

const LAUNCH = {
  executablePath: process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
};
const KILLS = 20;
const FRAME_SECONDS = 10;
const CPU_SECONDS = 30;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Polls an expression in the page. (page.waitForFunction with a string evals
 * it in the page, which the renderer's CSP rightly forbids; evaluate does not.)
 */
async function waitInPage(page: Page, expr: string, timeoutMs: number, everyMs = 5): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(expr))) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${expr}`);
    await sleep(everyMs);
  }
}

async function killToDom(browser: Browser): Promise<string> {
  const hasHost = existsSync(CLI) || process.env.VIGIL_E2E_HOST !== undefined;
  if (!hasHost || !existsSync(FAKE_LLAMA)) return `skipped: ${!hasHost ? `${CLI} not built` : `${FAKE_LLAMA} missing`}`;
  const host = await startHost({ llama: fakeLlama([], { restart: { policy: 'always', backoff: { initial: '100ms', factor: 1, max: '100ms' }, limit: { count: 1000, window: '1m' } } }) });
  const page = await browser.newPage();
  const samples: number[] = [];
  try {
    await page.goto(host.url);
    // Wall-clock time of every change to the status badge, recorded in the page.
    await page.evaluate(`(() => {
      window.__changes = [];
      let last = null;
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid="status-llama"]')?.textContent;
        if (t !== last) { last = t; window.__changes.push({ t: performance.timeOrigin + performance.now(), s: t }); }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    for (let i = 0; i < KILLS; i++) {
      await waitInPage(page, `document.querySelector('[data-testid="status-llama"]')?.textContent === 'ready' && /^\\d+$/.test(document.querySelector('[data-testid="pid-llama"]')?.textContent ?? '')`, 30_000, 50);
      await sleep(300);
      const pid = Number(await page.getByTestId('pid-llama').textContent());
      const mark = (await page.evaluate('window.__changes.length')) as number;
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      await waitInPage(page, `window.__changes.length > ${mark}`, 10_000);
      const first = (await page.evaluate(`window.__changes[${mark}]`)) as { t: number; s: string };
      samples.push(first.t - killedAt);
    }
  } finally {
    await page.close();
    await host.stop();
  }
  const s = summarize(samples);
  const sorted = [...samples].sort((a, b) => a - b);
  const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
  return [
    table(['kills', 'p50 ms', 'p95 ms', 'max ms', 'target p95', 'met'], [[String(s.n), fmt(s.p50, 1), fmt(p95, 1), fmt(s.max, 1), '≤ 100 ms', p95 <= 100 ? 'yes' : 'NO']]),
    '',
    'From `kill -9` (Node, wall clock) to the card\'s status text changing (MutationObserver in the page, wall clock): exit detection in the core, the state push over the WebSocket, React commit.',
  ].join('\n');
}

/** Main-thread busy time per frame: rAF deltas, and long tasks (> 50 ms) from PerformanceObserver. */
async function frames(page: Page, seconds: number): Promise<{ deltas: number[]; longTasks: number[] }> {
  return (await page.evaluate(`new Promise((resolve) => {
    const deltas = [], longTasks = [];
    new PerformanceObserver((l) => l.getEntries().forEach((e) => longTasks.push(e.duration))).observe({ type: 'longtask', buffered: false });
    let prev = performance.now();
    const end = prev + ${seconds * 1000};
    const step = (t) => { deltas.push(t - prev); prev = t; if (t < end) requestAnimationFrame(step); else resolve({ deltas, longTasks }); };
    requestAnimationFrame(step);
  })`)) as { deltas: number[]; longTasks: number[] };
}

async function frameTimes(browser: Browser): Promise<string> {
  const srv = await serveStatic(path.join(ROOT, 'out', 'renderer'));
  const rows: string[][] = [];
  try {
    for (const view of ['backends', 'memory'] as const) {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      await page.addInitScript({ content: syntheticVigilScript({ backends: 50, historySec: 3600, pushMs: 100 }) });
      await page.goto(srv.url);
      await page.getByTestId('backend-b49').waitFor();
      if (view === 'memory') {
        await page.getByTestId('nav-memory').click();
        await page.getByTestId('chart-backends').waitFor();
      }
      await sleep(1000);
      const { deltas, longTasks } = await frames(page, FRAME_SECONDS);
      const s = summarize(deltas);
      const sorted = [...deltas].sort((a, b) => a - b);
      const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
      const over = deltas.filter((d) => d > 16.7 * 1.5).length;
      rows.push([view, String(s.n), fmt(s.p50, 1), fmt(p95, 1), fmt(s.max, 1), String(over), String(longTasks.length), fmt(Math.max(0, ...longTasks), 0)]);
      await page.close();
    }
  } finally {
    await srv.close();
  }
  return [
    table(['view', 'frames', 'p50 ms', 'p95 ms', 'max ms', 'dropped (>25 ms)', 'long tasks', 'longest ms'], rows),
    '',
    `${FRAME_SECONDS} s per view; 50 backends, 3600 samples × 55 series at load, a state push every 100 ms, history polled every 1.5 s (uPlot setData). Frame interval ≈ 16.7 ms means no frame overran; a long task is main-thread work over 50 ms.`,
  ].join('\n');
}

const TICKS = 100; // USER_HZ
const cpuTicks = (pid: number): number => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
};
/** The renderer processes of the browser this node process launched (`--type=renderer`). */
function rendererPids(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      // Ours: an ancestor is this process.
      let p = Number(d);
      for (let i = 0; i < 6 && p > 1; i++) {
        const st = readFileSync(`/proc/${p}/stat`, 'utf8');
        p = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
        if (p === process.pid) {
          out.push(Number(d));
          break;
        }
      }
    } catch {
      // gone
    }
  }
  return out;
}

/** CPU of the renderer with 50 backends for CPU_SECONDS: no pushes, one backend a second as a delta leaves it, the same as fresh snapshots. */
async function rendererCpu(): Promise<string> {
  const srv = await serveStatic(path.join(ROOT, 'out', 'renderer'));
  const rows: string[][] = [];
  try {
    const cases = [
      { what: 'nothing pushed', opts: { pushMs: 0 } },
      { what: 'nothing pushed, backends up 5 minutes (in its first ten minutes each card\'s uptime shows seconds, so it changes each second)', opts: { pushMs: 0, uptimeSec: 300 } },
      { what: 'one backend changes each second; unchanged backends keep their objects (as window.vigil applies a delta)', opts: { pushMs: 1000 } },
      { what: 'one backend changes each second; every push a fresh copy of the whole state (what a snapshot push handed the store)', opts: { pushMs: 1000, freshObjects: true } },
    ];
    for (const c of cases) {
      const browser = await chromium.launch(LAUNCH);
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.addInitScript({ content: syntheticVigilScript({ backends: 50, historySec: 60, ...c.opts }) });
        await page.goto(srv.url);
        await page.getByTestId('backend-b49').waitFor();
        await sleep(5000);
        const pids = rendererPids();
        const t0 = pids.reduce((n, p) => n + cpuTicks(p), 0);
        const w0 = performance.now();
        await sleep(CPU_SECONDS * 1000);
        const pct = ((pids.reduce((n, p) => n + cpuTicks(p), 0) - t0) / TICKS / ((performance.now() - w0) / 1000)) * 100;
        rows.push([c.what, String(pids.length), fmt(pct, 2)]);
      } finally {
        await browser.close();
      }
    }
  } finally {
    await srv.close();
  }
  return [
    table(['state pushes', 'renderer processes', 'CPU % of one core'], rows),
    '',
    `${CPU_SECONDS} s each, a fresh browser each, the backends view with 50 backends up for an hour (uptimes show minutes) unless the row says otherwise, from /proc (utime+stime of Chromium's renderer process). Target with nothing happening: ≤ 1 %.`,
  ].join('\n');
}

export default async function (): Promise<string> {
  if (needsBuild() && !existsSync(path.join(ROOT, 'out', 'renderer', 'index.html'))) return 'skipped: out/renderer not built (`npx electron-vite build`)';
  const browser = await chromium.launch(LAUNCH);
  try {
    const a = await killToDom(browser);
    const b = await frameTimes(browser);
    const c = await rendererCpu();
    return `### State change → DOM (real host)\n\n${a}\n\n### Frame times, 50 backends + 1 h history (renderer only)\n\n${b}\n\n### Renderer CPU, 50 backends (synthetic window.vigil)\n\n${c}\n`;
  } finally {
    await browser.close();
  }
}
