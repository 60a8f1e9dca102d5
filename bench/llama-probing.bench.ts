// Cost of knowing what a llama-server is doing, next to the plain /health
// probe: CPU of Vigil's side (process.cpuUsage) and of the server's side
// (/proc/<pid>/stat) per tick of LlamaMonitor (/metrics each tick once it
// answers, /props once) and per generation probe, against the real server
// built by test-support/llama/build-llama-server.sh; the same tick as the
// core runs it (llama-feed: the log caught up, then the monitor); and the log
// parser's throughput on the -lv 4 log of that server.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProbeConnection } from '../electron/core/health/http-probe.js';
import { runGenerationProbe } from '../electron/core/llama/generation-probe.js';
import { LlamaLogParser } from '../electron/core/llama/log-parser.js';
import { LlamaMonitor } from '../electron/core/llama/monitor.js';
import { LlamaServerApi } from '../electron/core/llama/server-api.js';
import { llamaSeams } from '../electron/core/feeds/llama/llama-feed.js';
import { BackendLog } from '../electron/core/logs/backend-log.js';
import { tempDir } from '../test-support/helpers.js';
import { backendContext, fakeBackend } from '../test-support/supervisor-harness.js';
import { startRealServer, tinyModel } from '../test-support/llama/real-llama.js';
import { missingLlamaServer } from '../test-support/llama/testbed.js';
import { fmt, table } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TICKS = 300;
const PROBES = 20;
const TICK_SECONDS = 2; // the default health interval
const CLK_TCK = 100;

/** CPU ms of a process so far (utime + stime). */
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / CLK_TCK) * 1000;
}

async function measure(pid: number, n: number, step: () => Promise<unknown>): Promise<{ vigilMs: number; serverMs: number; wallMs: number }> {
  for (let i = 0; i < 20; i++) await step(); // warm-up
  const c0 = process.cpuUsage();
  const s0 = procCpuMs(pid);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await step();
  const c = process.cpuUsage(c0);
  return { vigilMs: (c.user + c.system) / 1000 / n, serverMs: (procCpuMs(pid) - s0) / n, wallMs: (performance.now() - t0) / n };
}

function parserThroughput(): { linesPerSec: number; usPerLine: number } {
  const lines = readFileSync(path.join(here, '../electron/core/llama/fixtures/local-lv4.log'), 'utf8').split('\n');
  const rounds = 400;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) {
    const p = new LlamaLogParser();
    for (const l of lines) p.line(l);
  }
  const ms = performance.now() - t0;
  const total = rounds * lines.length;
  return { linesPerSec: total / (ms / 1000), usPerLine: (ms * 1000) / total };
}

export default async function (): Promise<string> {
  const parser = parserThroughput();
  const parserNote = `Log parser: ${fmt(parser.usPerLine, 2)} µs per line (${fmt(parser.linesPerSec / 1e6, 2)} M lines/s) on the -lv 4 log of the server built here, fed line by line.`;
  const missing = missingLlamaServer();
  if (missing) return `Skipped the server part: ${missing}.\n\n${parserNote}\n`;
  const tmp = tempDir('vigil-bench-llama-');
  const server = await startRealServer(['-m', await tinyModel(), '-c', '4096', '--metrics'], path.join(tmp.dir, 'server.log'));
  try {
    const conn = new ProbeConnection();
    const health = await measure(server.pid, TICKS, () => conn.probe({ port: server.port, path: '/health', timeoutMs: 2000 }));
    conn.destroy();
    const monitor = new LlamaMonitor({ port: server.port, onUpdate: () => {} });
    const tick = await measure(server.pid, TICKS, () => monitor.tick(true));
    // As the core runs it: the tick work the llama seams make for the process, over the log's tailer.
    const log = new BackendLog(server.logPath);
    log.start();
    const cfg = fakeBackend('llm', [], { cmd: ['llama-server', '--metrics'] });
    cfg.health = { ...cfg.health, timeoutMs: 2000 };
    const work = llamaSeams({ log: () => log }).tickWork(cfg, { pid: server.pid, port: server.port, logOffset: 0 }, backendContext(cfg))!;
    const wired = await measure(server.pid, TICKS, async () => work.tick({ pid: server.pid, port: server.port, status: 'ready' }));
    work.reset?.();
    log.stop();
    const api = new LlamaServerApi({ port: server.port });
    const gen = await measure(server.pid, PROBES, () => runGenerationProbe({ port: server.port, timeoutMs: 30_000, api }));
    const perMinute = (ms: number): string => fmt((ms * 60) / TICK_SECONDS, 1);
    const rows = [
      ['plain /health probe (kept-alive socket)', fmt(health.vigilMs * 1000, 0), fmt(health.serverMs * 1000, 0), fmt(health.wallMs, 2), perMinute(health.vigilMs), perMinute(health.serverMs)],
      ['LlamaMonitor.tick: /metrics (/slots when started without --metrics)', fmt(tick.vigilMs * 1000, 0), fmt(tick.serverMs * 1000, 0), fmt(tick.wallMs, 2), perMinute(tick.vigilMs), perMinute(tick.serverMs)],
      ['the core\'s llama tick work: log catch-up + LlamaMonitor.tick', fmt(wired.vigilMs * 1000, 0), fmt(wired.serverMs * 1000, 0), fmt(wired.wallMs, 2), perMinute(wired.vigilMs), perMinute(wired.serverMs)],
      ['generation probe: /slots + 1-token /completion', fmt(gen.vigilMs * 1000, 0), fmt(gen.serverMs * 1000, 0), fmt(gen.wallMs, 1), fmt(gen.vigilMs, 2), fmt(gen.serverMs, 1)],
    ];
    return [
      table(['per call', 'Vigil CPU µs', 'server CPU µs', 'wall ms', `Vigil CPU ms/min (one every ${TICK_SECONDS} s)`, `server CPU ms/min`], rows),
      '',
      `${TICKS} calls each after 20 warm-up calls (generation probe: ${PROBES}; its per-minute columns assume one a minute, \`health.generate.every: 60s\`), against the llama-server built here with a 9 MiB model, \`--metrics\`, 4 idle slots. Vigil CPU from process.cpuUsage (this process, all threads); server CPU from /proc/<pid>/stat (10 ms resolution, so small per-call figures are averages of few ticks). The server answers /slots and /metrics from its main loop.`,
      '',
      parserNote,
      '',
    ].join('\n');
  } finally {
    await server.kill();
    tmp.cleanup();
  }
}
