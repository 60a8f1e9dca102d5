// Watch mode (servers Vigil did not start): discovery latency (process start
// → 'discovered'), exit latency (SIGKILL → 'exited', through the pidfd), and
// the CPU discovery and watching add with 1,000 unrelated processes (sleeps)
// and 10 watched servers (the fake llama-server under a llama-server name,
// answering health probes) on the machine. Target: well under 0.2 % of a core.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { WatchEvent } from '../electron/common/watch.js';
import { Watcher } from '../electron/core/watch/watcher.js';
import { FAKE_LLAMA_SERVER, pickFreePort } from '../test-support/helpers.js';
import { waitForPort } from '../test-support/watch/servers.js';
import { fmt, summarize, table } from './stats.js';

const SLEEP_SESSIONS = 10;
const SLEEPS_PER_SESSION = 100;
const SERVERS = 10;
const LATENCY_RUNS = 40;
const CPU_SECONDS = 60;
const TICK_MS = 1000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function waitEvent(w: Watcher, pred: (e: WatchEvent) => boolean, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a watch event'));
    }, timeoutMs);
    const off = w.on((e) => {
      if (!pred(e)) return;
      clearTimeout(t);
      off();
      resolve(performance.now());
    });
  });
}

export default async function (): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-watch-bench-'));
  const sleeper = path.join(dir, 'llama-server');
  symlinkSync('/bin/sleep', sleeper); // a process called llama-server: the catalog lists it
  const nodeServer = path.join(dir, 'srv', 'llama-server');
  const procs: ChildProcess[] = [];
  const killAll = (): void => {
    for (const c of procs.splice(0)) {
      for (const target of [-c.pid!, c.pid!]) {
        try {
          process.kill(target, 'SIGKILL'); // the sleep sessions by group, the servers by pid
        } catch {
          /* not a group, or gone */
        }
      }
    }
  };
  try {
    // 1. Discovery latency at the core's 1 s tick: the tick's phase decides most of it
    // (the kernel's process events are left out here; watch-births.bench.ts measures them).
    const w = new Watcher({ procEvents: false });
    w.start(TICK_MS);
    const discover: number[] = [];
    const exit: number[] = [];
    for (let i = 0; i < LATENCY_RUNS; i++) {
      const t0 = performance.now();
      const c = spawn(sleeper, ['300'], { stdio: 'ignore' });
      const found = await waitEvent(w, (e) => e.kind === 'discovered' && e.pid === c.pid, 10_000);
      discover.push(found - t0);
      // 2. Exit latency: SIGKILL → the pidfd's 'exited' (no tick involved).
      const exited = waitEvent(w, (e) => e.kind === 'exited' && e.pid === c.pid, 10_000);
      const k0 = performance.now();
      c.kill('SIGKILL');
      exit.push((await exited) - k0);
      await sleep(Math.random() * TICK_MS); // start the next one at another phase of the tick
    }
    w.close();

    // 3. CPU with 1,000 unrelated sleeps and 10 watched servers.
    mkdirSync(path.dirname(nodeServer));
    symlinkSync(process.execPath, nodeServer);
    for (let s = 0; s < SLEEP_SESSIONS; s++) procs.push(spawn('sh', ['-c', `for i in $(seq ${SLEEPS_PER_SESSION}); do sleep 900 & done; wait`], { detached: true, stdio: 'ignore' }));
    for (let s = 0; s < SERVERS; s++) {
      const port = await pickFreePort();
      procs.push(spawn(nodeServer, [FAKE_LLAMA_SERVER, '--port', String(port)], { stdio: 'ignore' }));
      await waitForPort(port);
    }
    await sleep(2000);
    const i0 = cpuMs();
    const iw0 = performance.now();
    await sleep(CPU_SECONDS * 500);
    const idlePerSec = (cpuMs() - i0) / ((performance.now() - iw0) / 1000);

    const cw = new Watcher({ procEvents: false }); // defaults: health every 4 s; ticks only (the events' cost is in watch-births.bench.ts)
    const tickCpu: number[] = [];
    const reads = cw.reads;
    cw.tick(); // the first tick reads every process once: not the steady state
    const first = { ...reads };
    const servers = cw.list().filter((s) => s.status === 'running' && s.comm === 'llama-server' && procs.some((p) => p.pid === s.pid)).length;
    const c0 = cpuMs();
    const w0 = performance.now();
    for (let i = 0; i < CPU_SECONDS; i++) {
      const ca = cpuMs();
      cw.tick();
      tickCpu.push(cpuMs() - ca);
      await sleep(Math.max(0, w0 + (i + 1) * TICK_MS - performance.now()));
    }
    const wall = (performance.now() - w0) / 1000;
    const extraPerSec = (cpuMs() - c0) / wall - idlePerSec;
    const healthy = cw.list().filter((s) => procs.some((p) => p.pid === s.pid) && s.healthDetail === 'HTTP 200 /health').length;
    const listings = reads.listings - first.listings;
    const probes = reads.probes - first.probes;
    const cmdReads = reads.cmdline - first.cmdline;
    cw.close();

    const d = summarize(discover);
    const e = summarize(exit);
    const tick = summarize(tickCpu);
    const inTickPerSec = tickCpu.reduce((s, x) => s + x, 0) / wall;
    const share = (msPerSec: number): string => `${fmt(msPerSec / 10, 3)} %`;
    return [
      `### Latency (${LATENCY_RUNS} runs, tick ${TICK_MS} ms)`,
      '',
      table(['what', 'p50 ms', 'p99 ms', 'max ms'], [
        ['discovery: spawn → `discovered` event', fmt(d.p50, 0), fmt(d.p99, 0), fmt(d.max, 0)],
        ['exit: SIGKILL → `exited` event (pidfd, no tick)', fmt(e.p50, 2), fmt(e.p99, 2), fmt(e.max, 2)],
      ]),
      '',
      'Discovery waits for the next tick (each run starts at a random phase of it), then reads only the new pids; the exit comes from the pidfd\'s readiness in the event loop.',
      '',
      `### CPU: ${SLEEP_SESSIONS * SLEEPS_PER_SESSION} sleeps + ${SERVERS} watched servers, ${CPU_SECONDS} ticks at 1 Hz`,
      '',
      table(['measure', 'value'], [
        ['watched servers (running, answering /health)', `${servers} (${healthy} healthy)`],
        ['CPU inside the ticks, per tick p50 / p99', `${fmt(tick.p50, 3)} / ${fmt(tick.p99, 3)} ms`],
        ['CPU inside the ticks, share of one core', share(inTickPerSec)],
        [`whole process minus its idle baseline (${fmt(idlePerSec, 2)} ms/s): ticks + health probes + GC`, share(extraPerSec)],
        ['pids handed out meanwhile (each probed with pidfd_open; only new processes are read further)', `${probes} (${fmt(probes / wall, 1)} /s)`],
        ['command lines read (new processes, and forks re-read until they exec)', `${cmdReads}`],
        ['/proc listings (every 60th tick, or a burst too wide to probe)', `${listings} of ${CPU_SECONDS}`],
      ]),
      '',
      `The sleeps hand out no pids once started; the machine's other jobs (other agents' builds and tests, with their threads) do: each handed-out pid costs a pidfd_open (~1 µs; threads stop there), each new process a stat and a command-line read, so the tick's CPU follows that rate, not the number of processes. Each watched server costs one pread of its kept-open stat per tick. Health probes: every 4 s per server over a kept-alive raw socket (under the servers' 5 s keep-alive, so the connection is reused). Result: ${inTickPerSec / 10 < 0.2 ? 'meets' : 'MISSES'} the < 0.2 % target inside the ticks; the whole-process figure is noisy on the shared 2 cores.`,
    ].join('\n');
  } finally {
    killAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
