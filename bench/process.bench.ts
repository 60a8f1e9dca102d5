// Process layer: (a) cost and correctness of one liveness check, (b) latency
// from SIGKILL to Vigil noticing the exit, event-driven vs a 100 ms poller.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import {
  adoptProcess, closeHandle, isRunning, onChildExit, reap, spawnProcess, watchExit,
} from '../native-bindings/process.js';
import type { ProcessHandle } from '../native-bindings/types.js';
import { fmt, nowNs, summarize, table, timeCalls } from './stats.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const TARGET_CHECK_US = 10;

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}
const TARGET_EXIT_P99_MS = 5;

function killAndReap(h: ProcessHandle): void {
  try {
    process.kill(h.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

async function waitReap(h: ProcessHandle): Promise<void> {
  await new Promise<void>((resolve) => watchExit(h, resolve));
  reap(h);
  closeHandle(h);
}

function killAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const statExists = (pid: number): boolean => {
  try {
    readFileSync(`/proc/${pid}/stat`, 'latin1');
    return true;
  } catch {
    return false;
  }
};
const statState = (pid: number): string => {
  const line = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return line.slice(line.lastIndexOf(')') + 2, line.lastIndexOf(')') + 3);
};
const psStat = (pid: number): string | null => {
  try {
    return execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim();
  } catch {
    return null; // ps exits 1 when the pid does not exist
  }
};

async function livenessCost(): Promise<string> {
  const live = spawnProcess({ file: 'sleep', argv: ['sleep', '600'] }).handle;
  const adopted = adoptProcess(live.pid, live.startTime)!;
  // Pretend-adopted (isChild false) so the /proc path is measured too.
  const viaProc: ProcessHandle = { ...adopted, isChild: false };
  const zombie = spawnProcess({ file: 'sh', argv: ['sh', '-c', 'exit 0'] }).handle;
  await new Promise<void>((resolve) => watchExit(zombie, resolve));

  const N = 20_000;
  const rows: { name: string; samples: number[]; zombieSaysAlive: string }[] = [];
  const empty = timeCalls(() => undefined, N);
  rows.push({ name: '`isRunning` (own child: one waitid(P_PIDFD, WNOWAIT))', samples: timeCalls(() => isRunning(live), N), zombieSaysAlive: isRunning(zombie) ? 'alive ✗' : 'dead ✓' });
  rows.push({ name: '`isRunning` (adopted: /proc stat + kill 0)', samples: timeCalls(() => isRunning(viaProc), N), zombieSaysAlive: isRunning({ ...zombie, isChild: false }) ? 'alive ✗' : 'dead ✓' });
  rows.push({ name: '`process.kill(pid, 0)`', samples: timeCalls(() => killAlive(live.pid), N), zombieSaysAlive: killAlive(zombie.pid) ? 'alive ✗' : 'dead ✓' });
  rows.push({
    name: 'read `/proc/<pid>/stat` alone',
    samples: timeCalls(() => statExists(live.pid), N),
    zombieSaysAlive: `${statExists(zombie.pid) ? 'exists → alive ✗' : 'dead ✓'}; state field \`${statState(zombie.pid)}\``,
  });
  const psN = 50;
  const psOut = psStat(zombie.pid);
  rows.push({
    name: '`ps -o stat= -p PID` (spawned)',
    samples: timeCalls(() => psStat(live.pid), psN, 3),
    zombieSaysAlive: `${psOut !== null ? 'exit 0 → alive ✗' : 'dead ✓'}; stat \`${psOut ?? ''}\``,
  });

  // Clean up: the zombie's status is ours to consume.
  reap(zombie);
  closeHandle(zombie);
  closeHandle(adopted);
  killAndReap(live);
  await waitReap(live);

  const base = summarize(rows[0]!.samples).p50;
  const body = rows.map((r) => {
    const s = summarize(r.samples);
    return [r.name, String(s.n), fmt(s.p50), fmt(s.p99), fmt(s.mean), `${fmt(s.p50 / base, 1)}×`, r.zombieSaysAlive];
  });
  const ours = summarize(rows[0]!.samples).p50;
  return [
    '### (a) One liveness check',
    '',
    'Per-call wall time in µs (each sample includes one `hrtime` read; empty-call floor: ' +
      `p50 ${fmt(summarize(empty).p50, 3)} µs). Correctness: each method asked about a real zombie (exited, unreaped child).`,
    '',
    table(['method', 'n', 'p50 µs', 'p99 µs', 'mean µs', 'p50 vs isRunning', 'on a zombie'], body),
    '',
    `Target: isRunning ≤ ${TARGET_CHECK_US} µs median — ${ours <= TARGET_CHECK_US ? 'met' : 'MISSED'} (${fmt(ours)} µs).`,
  ].join('\n');
}

async function exitLatency(): Promise<string> {
  const trials = 200;
  const sigchld: number[] = [];
  const pidfd: number[] = [];
  // SIGCHLD path (onChildExit) and pidfd readiness (watchExit) observe the same kills.
  for (let i = 0; i < trials; i++) {
    const h = spawnProcess({ file: 'sleep', argv: ['sleep', '600'] }).handle;
    let t0 = 0;
    const both = Promise.all([
      new Promise<void>((resolve) => {
        const off = onChildExit((pid) => {
          if (pid !== h.pid) return;
          sigchld.push((nowNs() - t0) / 1e6);
          off();
          resolve();
        });
      }),
      new Promise<void>((resolve) => watchExit(h, () => {
        pidfd.push((nowNs() - t0) / 1e6);
        resolve();
      })),
    ]);
    await sleep(1); // let onChildExit's initial check pass
    t0 = nowNs();
    process.kill(h.pid, 'SIGKILL');
    // SIGCHLD listeners don't hold the event loop; this timer does, and turns a lost event into an error.
    await withTimeout(both, 5000, `exit of trial ${i}`);
    reap(h);
    closeHandle(h);
  }

  // The naive alternative: poll isRunning every 100 ms; kill at a random phase.
  const pollTrials = 200;
  const polled: number[] = [];
  for (let i = 0; i < pollTrials; i++) {
    const h = spawnProcess({ file: 'sleep', argv: ['sleep', '600'] }).handle;
    let t0 = 0;
    const seen = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (t0 !== 0 && !isRunning(h)) {
          polled.push((nowNs() - t0) / 1e6);
          clearInterval(timer);
          resolve();
        }
      }, 100);
    });
    await sleep(Math.random() * 100);
    t0 = nowNs();
    process.kill(h.pid, 'SIGKILL');
    await withTimeout(seen, 5000, `poller trial ${i}`);
    reap(h);
    closeHandle(h);
  }

  const row = (name: string, xs: number[]): string[] => {
    const s = summarize(xs);
    return [name, String(s.n), fmt(s.p50, 3), fmt(s.p99, 3), fmt(s.mean, 3), fmt(s.max, 3)];
  };
  const p99 = Math.max(summarize(sigchld).p99, summarize(pidfd).p99);
  return [
    '### (b) Exit detection latency',
    '',
    '`process.kill(pid, "SIGKILL")` from the bench → notification, in ms (same kills observed by both event paths).',
    '',
    table(['detector', 'trials', 'p50 ms', 'p99 ms', 'mean ms', 'max ms'], [
      row('`onChildExit` (SIGCHLD + waitid WNOWAIT)', sigchld),
      row('`watchExit` (pidfd readiness via libuv poll)', pidfd),
      row('`isRunning` poller, 100 ms interval (naive)', polled),
    ]),
    '',
    `Target: p99 ≤ ${TARGET_EXIT_P99_MS} ms — ${p99 <= TARGET_EXIT_P99_MS ? 'met' : 'MISSED'} (worst event path p99 ${fmt(p99, 3)} ms).`,
  ].join('\n');
}

export default async function processBench(): Promise<string> {
  return [await livenessCost(), '', await exitLatency()].join('\n');
}
