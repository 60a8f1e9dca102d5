// The real llama-server (test bed build, random-weight models): (a) load time
// by model size, spawn → /health 200, from the page cache and from disk;
// (b) kill -9 of a ready llama-server under Vigil → its replacement ready,
// split into Vigil's part (death → spawn) and the server's load; (c) the
// build's own time, as build-llama-server.sh recorded it.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pickFreePort } from '../test-support/helpers.js';
import { evictFromPageCache, llamaServerPath, missingLlamaServer, model, PRESETS, writeModel, type PresetName } from '../test-support/llama/testbed.js';
import { startVigil } from '../test-support/llama/vigil-with-llama.js';
import { fmt, nowNs, summarize, table } from './stats.js';

const WARM_RUNS = 7;
const COLD_RUNS = 3;
const RESTART_RUNS: Partial<Record<PresetName, number>> = { tiny: 15, large: 7 };
const POLL_MS = 5;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const ms = (ns: number): number => ns / 1e6;

/** GET /health until 200; resolves with nowNs() of the first 200. */
async function healthy(port: number, timeoutMs: number): Promise<number> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/health`);
      await r.arrayBuffer();
      if (r.status === 200) return nowNs();
    } catch {
      // not listening yet
    }
    if (Date.now() > end) throw new Error(`llama-server on port ${port}: no /health 200 within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
const CLK_TCK = 100; // USER_HZ on Linux
/** utime + stime of a process so far, ms: the work of the load, whatever else the cores were doing. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
}

/** One load: spawn → /health 200, ms, the CPU it took and the RSS once ready. */
async function loadOnce(bin: string, file: string, cold: boolean): Promise<{ ms: number; cpu: number; rss: number }> {
  if (cold) evictFromPageCache(file);
  const port = await pickFreePort();
  const t0 = nowNs();
  const child = spawn(bin, ['-m', file, '-c', '4096', '--port', String(port)], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const t1 = await healthy(port, 120_000);
    return { ms: ms(t1 - t0), cpu: cpuMs(child.pid!), rss: rssMiB(child.pid!) };
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

/** Seconds to generate the preset afresh (into a temp dir; the cached copy is left alone). */
async function generationSeconds(name: PresetName): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-bench-model-'));
  try {
    const t0 = nowNs();
    await writeModel(PRESETS[name], path.join(dir, 'm.gguf'));
    return (nowNs() - t0) / 1e9;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function loadTimes(bin: string): Promise<string[][]> {
  const rows: string[][] = [];
  for (const name of Object.keys(PRESETS) as PresetName[]) {
    const file = await model(name);
    const size = statSync(file).size / 2 ** 20;
    const gen = await generationSeconds(name);
    await loadOnce(bin, file, false); // warms the page cache
    const warm: number[] = [];
    const cpu: number[] = [];
    let rss = 0;
    for (let i = 0; i < WARM_RUNS; i++) {
      const r = await loadOnce(bin, file, false);
      warm.push(r.ms);
      cpu.push(r.cpu);
      rss = r.rss;
    }
    const cold: number[] = [];
    for (let i = 0; i < COLD_RUNS; i++) cold.push((await loadOnce(bin, file, true)).ms);
    const w = summarize(warm);
    const c = summarize(cold);
    const p = PRESETS[name];
    rows.push([
      `${name} (${p.layers} layers, ${p.embd} embd, ${p.heads}/${p.kvHeads} heads, ${p.type})`,
      fmt(size, 1),
      fmt(gen, 1),
      fmt(w.p50, 0),
      fmt(w.p99, 0),
      fmt(summarize(cpu).p50, 0),
      fmt(c.p50, 0),
      fmt(c.max, 0),
      fmt(rss, 0),
    ]);
  }
  return rows;
}

/** kill -9 of the ready server → Vigil's replacement ready, per trial. */
async function restartTimes(name: PresetName, runs: number): Promise<string[]> {
  const file = await model(name);
  const v = await startVigil({
    llm: {
      cmd: `llama-server -m ${file} -c 4096 --port \${PORT}`,
      restart: { policy: 'always', backoff: { initial: '0ms', factor: 1, max: '0ms' }, limit: { count: 1000, window: '10m' } },
    },
  });
  const death: number[] = [];
  const load: number[] = [];
  const seen: number[] = [];
  const total: number[] = [];
  try {
    await v.until((b) => b.status === 'ready', 120_000);
    for (let i = 0; i < runs; i++) {
      const old = v.view().pid!;
      let spawnedAt = 0;
      let readyAt = 0;
      const unsub = v.core.subscribe((s) => {
        const b = s.backends[0];
        if (!b || b.pid === null || b.pid === old) return;
        if (!spawnedAt) spawnedAt = nowNs();
        if (!readyAt && b.status === 'ready') readyAt = nowNs();
      });
      const t0 = nowNs();
      process.kill(old, 'SIGKILL');
      while (!spawnedAt) await sleep(1);
      const healthAt = await healthy(v.view().port!, 120_000);
      await v.until((b) => b.status === 'ready' && b.pid !== old, 120_000);
      unsub();
      death.push(ms(spawnedAt - t0));
      load.push(ms(healthAt - spawnedAt));
      seen.push(ms(readyAt - healthAt));
      total.push(ms(readyAt - t0));
    }
  } finally {
    await v.close();
  }
  const [d, l, s, t] = [death, load, seen, total].map(summarize);
  return [`${name} (${fmt(statSync(file).size / 2 ** 20, 1)} MiB), ${runs} kills`, `${fmt(d!.p50)} / ${fmt(d!.p99)}`, `${fmt(l!.p50, 0)} / ${fmt(l!.p99, 0)}`, `${fmt(s!.p50, 0)} / ${fmt(s!.p99, 0)}`, `${fmt(t!.p50, 0)} / ${fmt(t!.p99, 0)}`];
}

function buildTime(bin: string): string {
  const root = path.resolve(path.dirname(bin), '..', '..', '..');
  const file = path.join(root, 'build-seconds');
  if (existsSync(file)) {
    const s = Number(readFileSync(file, 'utf8').trim());
    return `Build of this cache (\`build-llama-server.sh\`: \`npm pack\` of the source bundle, clone, cmake configure, \`llama-server\` target with -j$(nproc)): **${Math.floor(s / 60)} min ${s % 60} s** wall.`;
  }
  return 'This cache was built before `build-llama-server.sh` recorded its time (it writes `build-seconds` beside the tree); the first build here, timed with `time`, took **5 min 40 s** wall (8 min 18 s user, 48 s system) with -j2 while other jobs shared the 2 cores.';
}

export default async function (): Promise<string> {
  const missing = missingLlamaServer();
  if (missing) throw new Error(missing);
  const bin = llamaServerPath().path!;
  process.env.PATH = `${path.dirname(bin)}:${process.env.PATH ?? ''}`;
  const loadBefore = loadavg()[0]!;
  const loads = await loadTimes(bin);
  const restarts: string[][] = [];
  for (const [name, runs] of Object.entries(RESTART_RUNS) as [PresetName, number][]) restarts.push(await restartTimes(name, runs));
  const loadAfter = loadavg()[0]!;
  return [
    `The 2 cores are shared with other jobs: 1-minute load average ${fmt(loadBefore, 1)} when this bench started, ${fmt(loadAfter, 1)} when it ended. Wall times stretch with it, and so, less, does the CPU column (utime + stime of the server up to its first 200: ggml's worker threads spin while they wait for each other).`,
    '',
    `llama.cpp's llama-server as node-llama-cpp 3.21.1 ships it, built CPU-only here (\`bash test-support/llama/build-llama-server.sh\`, cached in ~/.cache/vigil-testbed). ${buildTime(bin)} Models are generated once by \`test-support/llama/make-model.py\` (python3 + numpy; the \`generate s\` column, one fresh run each, with ${process.env.VIGIL_PYTHON ?? 'python3'}) and cached by their parameters.`,
    '',
    `### Load time by model size`,
    '',
    `\`llama-server -m MODEL -c 4096 --port P\` (defaults: mmap, 4 slots, warm-up run): spawn → first \`/health\` 200, polled every ${POLL_MS} ms. Warm: ${WARM_RUNS} runs with the file in the page cache. Cold: ${COLD_RUNS} runs after dropping the file from the page cache (posix_fadvise DONTNEED), as after a reboot. RSS of the server once ready.`,
    '',
    table(['model', 'file MiB', 'generate s', 'warm p50 ms', 'warm p99 ms', 'warm CPU ms (p50)', 'cold p50 ms', 'cold max ms', 'RSS MiB'], loads),
    '',
    `### kill -9 → ready again under Vigil`,
    '',
    `A ready llama-server supervised by the core (createVigil; restart policy always, backoff 0; startup probes every 250 ms) is killed with SIGKILL; the replacement is followed to \`ready\`. Columns are p50 / p99 in ms. *Vigil: death → spawn* is the kill to the store showing the new pid (exit seen by pidfd, reaped, journalled, port kept, posix_spawn). *Server: spawn → /health 200* is the new process's own load, polled by the bench every ${POLL_MS} ms. *Vigil sees ready* is how long after that first 200 the state says \`ready\`: the startup probe's pace, not work.`,
    '',
    table(['model', 'Vigil: death → spawn', 'server: spawn → /health 200', 'Vigil sees ready (after the 200)', 'kill → ready (total)'], restarts),
  ].join('\n');
}
