// One squeeze run on the real kernel: a memory cgroup stands in for the
// machine (a limit, no swap past it), a "desktop" stand-in holds a large
// share of it, and Vigil runs inside it (run-in-cgroup.ts) with two backends
// that grow (grow.py), each in its own cgroup beneath Vigil's. Modes:
//   none     — no kill priority (oom.scoreAdj 0), no guard: the kernel picks by size;
//   priority — oom.scoreAdj 500, no guard: the kernel takes a backend;
//   guard    — the guard on: Vigil stops the lowest-priority backend first.
// The run ends at the first kernel OOM kill in the cgroup or the first shed,
// whichever comes first, and says what happened. Waits on conditions only.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OomKill, VigilEvent } from '../../electron/common/state.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const GROW = path.join(here, 'grow.py');
const RUNNER = path.join(here, 'run-in-cgroup.ts');
const MEMCG = '/sys/fs/cgroup/memory';
const MiB = 1 << 20;
// The interpreter itself: a `python3` on PATH may be a shim (pyenv) that forks helpers of its own.
const PYTHON = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

export type SqueezeMode = 'none' | 'priority' | 'guard';

export interface SqueezeOptions {
  limitMiB: number;
  desktopMiB: number;
  /** Each backend's growth: MiB per step and ms between steps. */
  stepMiB: number;
  stepMs: number;
  /** Guard thresholds (mode guard). */
  memAvailableBelow?: string;
  forMs?: number;
  wakeups?: boolean;
  /** The guard's reading interval, ms (default 200). */
  intervalMs?: number;
  /** Where the low-priority backend writes the CLOCK_MONOTONIC ns of its SIGTERM. */
  termFile?: string;
  /** Called with the cgroup path once Vigil and both backends run (the bench arms its own crossing notice here). */
  onRunning?: (cgroup: string) => void;
  timeoutMs?: number;
}

export interface SqueezeResult {
  mode: SqueezeMode;
  /** The cgroup's own OOM-kill counter at the end. */
  oomKills: number;
  /** What the kernel took: pids with their role. */
  killed: { pid: number; role: string }[];
  desktopAlive: boolean;
  /** The guard's events (mode guard). */
  guardEvents: VigilEvent[];
  /** Entries of Vigil's OOM timeline (kernel kills it read, sheds). */
  ooms: OomKill[];
  /** Each backend's oom_score_adj as Vigil's state showed it. */
  scoreAdj: Record<string, number | null>;
  /** Backends' cgroups as Vigil's state showed them (beneath the squeeze cgroup). */
  cgroups: Record<string, string | null>;
  /** The squeeze cgroup. */
  machine: string;
}

/** OOM kills in the cgroup and every cgroup beneath it (v1 counts a kill in the victim's own cgroup, not up the tree). */
const readCounter = (dir: string): number =>
  Number(/^oom_kill (\d+)$/m.exec(readOr(path.join(dir, 'memory.oom_control')) ?? '')?.[1] ?? 0) + safeList(dir).reduce((n, d) => n + readCounter(path.join(dir, d)), 0);
const alive = (p: ChildProcess): boolean => p.exitCode === null && p.signalCode === null;
// Gone by the kernel's account (no entry, or a zombie): node may not have seen the SIGCHLD yet.
const gone = (pid: number): boolean => {
  const stat = readOr(`/proc/${pid}/stat`);
  return stat === null || /\) Z /.test(stat);
};

async function until<T>(what: string, deadline: number, fn: () => T | null | undefined | false): Promise<T> {
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`squeeze: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function runSqueeze(mode: SqueezeMode, o: SqueezeOptions): Promise<SqueezeResult> {
  const deadline = Date.now() + (o.timeoutMs ?? 90_000);
  const dir = mkdtempSync(path.join(tmpdir(), `vigil-squeeze-${mode}-`));
  const cg = path.join(MEMCG, `vigil-squeeze-${process.pid}-${mode}-${Date.now()}`);
  mkdirSync(cg);
  const memsw = path.join(cg, 'memory.memsw.limit_in_bytes');
  writeFileSync(path.join(cg, 'memory.limit_in_bytes'), String(o.limitMiB * MiB));
  if (existsSync(memsw)) writeFileSync(memsw, String(o.limitMiB * MiB));
  const procs: ChildProcess[] = [];
  let vigil: ChildProcess | null = null;
  const lines: string[] = [];
  try {
    // The desktop stand-in: in the cgroup before it allocates, its whole share held at once.
    const desktop = spawn(PYTHON, [GROW, String(o.desktopMiB), '50', String(o.desktopMiB)], { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(desktop);
    writeFileSync(path.join(cg, 'cgroup.procs'), `${desktop.pid}\n`);
    let desktopHeld = false;
    desktop.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes(`held ${o.desktopMiB} MiB`)) desktopHeld = true;
    });
    await until('the desktop stand-in to hold its memory', deadline, () => desktopHeld);

    const grow = [GROW, String(o.stepMiB), String(o.stepMs), '0'];
    // The backends grow once Vigil (its guard included) and both of them run.
    const goFile = path.join(dir, 'go');
    const adj = mode === 'none' ? 0 : 500;
    const guard = mode === 'guard'
      ? `guard: { enabled: true, psiFullAbove: null, memAvailableBelow: ${JSON.stringify(o.memAvailableBelow ?? '20%')}, for: ${o.forMs ?? 300}ms, interval: ${o.intervalMs ?? 200}ms, cooldown: 60s, wakeups: ${o.wakeups ?? true} }`
      : 'guard: { enabled: false }';
    const backend = (id: string, priority: number, term: string | null) => `  ${id}:
    cmd: ${JSON.stringify([PYTHON, ...grow])}
    health: { path: none }
    restart: { policy: never }
    memoryLimit: 4G
    env: ${JSON.stringify({ GROW_GO_FILE: goFile, ...(term ? { GROW_TERM_FILE: term } : {}) })}
    oom: { scoreAdj: ${adj}, priority: ${priority}, onPressure: stop }
`;
    writeFileSync(
      path.join(dir, 'config.yaml'),
      `${guard}\nsampling: { intervalMs: 250 }\nwatch: { enabled: false }\nbackends:\n${backend('chat-big', 10, o.termFile ?? null)}${backend('embed', 20, null)}`,
    );
    vigil = spawn(process.execPath, ['--import', 'tsx', RUNNER, cg, path.join(dir, 'config.yaml'), path.join(dir, 'state')], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    vigil.stdout!.on('data', (b: Buffer) => {
      buf += b.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    const events = (): VigilEvent[] => lines.filter((l) => l.startsWith('EVENT ')).map((l) => JSON.parse(l.slice(6)) as VigilEvent);
    const ooms = (): OomKill[] => lines.filter((l) => l.startsWith('OOM ')).map((l) => JSON.parse(l.slice(4)) as OomKill);
    type Row = { id: string; status: string; pid: number | null; oomScoreAdj: number | null; cgroup: string | null };
    const state = (): Row[] => {
      for (let i = lines.length - 1; i >= 0; i--) if (lines[i]!.startsWith('STATE ')) return JSON.parse(lines[i]!.slice(6)) as Row[];
      return [];
    };
    const running = await until('Vigil and both backends to run', deadline, () => {
      if (!lines.includes('READY')) return null;
      const s = state();
      return s.length === 2 && s.every((b) => b.pid !== null && b.status === 'ready' && b.cgroup !== null) ? s : null;
    });
    o.onRunning?.(cg);
    writeFileSync(goFile, '');
    const pids = new Map<number, string>([[desktop.pid!, 'desktop'], [vigil.pid!, 'vigil'], ...running.map((b) => [b.pid!, b.id] as [number, string])]);

    // The end: a kernel kill in the machine, or a shed.
    await until('a kernel OOM kill or a shed', deadline, () => readCounter(cg) > 0 || events().some((e) => e.kind === 'guard' && e.backend !== null && /^could not/.test(e.reason) === false));
    if (mode === 'guard') {
      // The shed's stop has finished when the backend is stopped.
      await until('the shed backend to stop', deadline, () => state().some((b) => b.status === 'stopped') || readCounter(cg) > 0);
    } else {
      // The kernel's victim is gone: which one?
      await until('the victim to be gone', deadline, () => [...pids.keys()].some(gone));
    }
    const killed = [...pids].filter(([p]) => gone(p)).map(([pid, role]) => ({ pid, role }));
    const final = state();
    return {
      mode,
      oomKills: readCounter(cg),
      killed: mode === 'guard' ? killed.filter((k) => readCounter(cg) > 0 || k.role === 'desktop' || k.role === 'vigil') : killed,
      desktopAlive: !gone(desktop.pid!),
      guardEvents: events().filter((e) => e.kind === 'guard'),
      ooms: ooms(),
      scoreAdj: Object.fromEntries(running.map((b) => [b.id, b.oomScoreAdj])),
      cgroups: Object.fromEntries(running.map((b) => [b.id, b.cgroup ?? final.find((f) => f.id === b.id)?.cgroup ?? null])),
      machine: cg,
    };
  } finally {
    for (const p of procs) if (alive(p)) p.kill('SIGKILL');
    if (vigil && alive(vigil)) {
      vigil.kill('SIGTERM');
      await new Promise((r) => {
        const t = setTimeout(() => {
          if (vigil && alive(vigil)) vigil.kill('SIGKILL');
          r(null);
        }, 15_000);
        vigil!.once('exit', () => {
          clearTimeout(t);
          r(null);
        });
      });
    }
    // Anything still in the squeeze cgroup (a backend Vigil left) goes; then the cgroups.
    killTree(cg);
    removeTree(cg);
    rmSync(dir, { recursive: true, force: true });
  }
}

function killTree(dir: string): void {
  for (const ent of safeList(dir)) killTree(path.join(dir, ent));
  for (const p of (readOr(path.join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean)) {
    try {
      process.kill(Number(p), 'SIGKILL');
    } catch {
      // gone
    }
  }
}

function removeTree(dir: string): void {
  for (const ent of safeList(dir)) removeTree(path.join(dir, ent));
  for (let i = 0; i < 100; i++) {
    try {
      rmdirSync(dir);
      return;
    } catch {
      const t = Date.now();
      while (Date.now() - t < 20) {
        // the kernel still counts exiting tasks: spin briefly
      }
    }
  }
}

const safeList = (dir: string): string[] => {
  try {
    return readdirSyncDirs(dir);
  } catch {
    return [];
  }
};

const readdirSyncDirs = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
const readOr = (p: string): string | null => {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
};
