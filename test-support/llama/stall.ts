// Hanging a real llama-server's inference while its HTTP side answers: the
// thread its CPU backend computes on besides the main thread (an OpenMP
// worker in the test bed's build) is stopped alone (stall-thread.py), so a
// decode waits for it forever and /health still says 200 — the shape of a
// server wedged behind a healthy /health (a GPU error it survived).
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { CapabilityCheck } from '../capabilities.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'stall-thread.py');

/**
 * Whether this process may ptrace one it did not start: as root, or where
 * Yama does not restrict ptrace to descendants (kernel.yama.ptrace_scope 0).
 */
export const ptraceOthers: CapabilityCheck = () => {
  if (process.getuid?.() === 0) return null;
  let scope: string;
  try {
    scope = readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim();
  } catch {
    return null; // no Yama: the classic rule, same uid may trace
  }
  return scope === '0' ? null : `ptrace of a process that is not our child is restricted (kernel.yama.ptrace_scope=${scope}; run as root or set it to 0)`;
};

interface ThreadStat {
  tid: number;
  cpuTicks: number;
  startTime: number;
}

function threads(pid: number): ThreadStat[] {
  return readdirSync(`/proc/${pid}/task`).map((t) => {
    const st = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
    // Fields after the command name: state is field 3, utime 14, stime 15, starttime 22.
    const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
    return { tid: Number(t), cpuTicks: Number(f[11]) + Number(f[12]), startTime: Number(f[19]) };
  });
}

/**
 * The compute worker of a llama-server that has decoded at least once: of
 * the threads other than the main one, the one that used the most CPU (the
 * HTTP threads use next to none), the later-started on a tie.
 */
export function computeWorker(pid: number): number {
  const others = threads(pid).filter((t) => t.tid !== pid);
  others.sort((a, b) => b.cpuTicks - a.cpuTicks || b.startTime - a.startTime);
  const w = others[0];
  if (!w || w.cpuTicks === 0) throw new Error(`no thread of pid ${pid} besides the main one has used CPU yet: has it decoded anything?`);
  return w.tid;
}

export interface Stall {
  tid: number;
  release(): Promise<void>;
}

/** Stops thread `tid` alone until release(). */
export async function stallThread(tid: number): Promise<Stall> {
  const python = process.env.VIGIL_PYTHON ?? 'python3';
  const child = spawn(python, [SCRIPT, String(tid)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', () => out.includes('stopped') && resolve());
    void exited.then(() => reject(new Error(`could not stop thread ${tid}: ${out.trim()}`)));
  });
  return {
    tid,
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
