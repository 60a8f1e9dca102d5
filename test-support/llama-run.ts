// Runs the real llama-server for the fit tests and bench: start (optionally
// inside a v1 memory cgroup), wait until /health answers 200, read what the
// process really holds, stop. child_process is fine here: the test owns the
// child and only wants its memory, not Vigil's supervision.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { it } from 'vitest';
import { haveVocab, LLAMA_SERVER, VOCAB_GGUF } from './llama-model.js';
import { required as requiredPrivileged, type CapabilityCheck } from './privileged.js';

export const missingLlamaServerBinary = (): string | null =>
  existsSync(LLAMA_SERVER) ? null : `no llama-server at ${LLAMA_SERVER}: run \`bash test-support/llama/build-llama-server.sh\` (~10 min once)`;

export interface ProcMemory {
  rss: number;
  anon: number;
  file: number;
  shmem: number;
  /** VmHWM: the process's peak RSS. */
  hwm: number;
}

export function readProcMemory(pid: number): ProcMemory | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string): number => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), anon: kb('RssAnon'), file: kb('RssFile'), shmem: kb('RssShmem'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

export async function pickFreePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

export interface LlamaRun {
  child: ChildProcess;
  pid: number;
  port: number;
  log: () => string;
  /** Resolves once /health is 200; rejects when the process exits first or the time runs out. */
  ready: Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop: () => Promise<void>;
}

/** Starts llama-server with `args` (no --port: one is picked). `cgroup`: a v1 memory cgroup to start it in. */
export function startLlamaServer(args: string[], opts: { cgroup?: string; timeoutMs?: number; port?: number } = {}): Promise<LlamaRun> {
  return (async () => {
    const port = opts.port ?? (await pickFreePort());
    const argv = [...args, '--port', String(port), '--host', '127.0.0.1'];
    // A cgroup must hold the process before it allocates: start it through a shell that joins first.
    const child = opts.cgroup
      ? spawn('/bin/sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', opts.cgroup, LLAMA_SERVER, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(LLAMA_SERVER, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
    let gone = false;
    void exited.then(() => (gone = true));
    const ready = (async () => {
      const end = Date.now() + (opts.timeoutMs ?? 120_000);
      while (Date.now() < end) {
        if (gone) throw new Error(`llama-server exited before ready: ${JSON.stringify(await exited)}\n${log.split('\n').slice(-15).join('\n')}`);
        try {
          const r = await fetch(`http://127.0.0.1:${port}/health`);
          if (r.status === 200) return;
        } catch {
          /* not listening yet */
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`llama-server not ready after ${opts.timeoutMs ?? 120_000} ms\n${log.split('\n').slice(-15).join('\n')}`);
    })();
    ready.catch(() => undefined);
    const stop = async (): Promise<void> => {
      if (gone) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    };
    return { child, pid: child.pid!, port, log: () => log, ready, exited, stop };
  })();
}

/** Peak memory charged to a v1 memory cgroup. */
export const cgroupPeak = (cg: string): number => Number(readFileSync(`${cg}/memory.max_usage_in_bytes`, 'utf8'));

export function setCgroupLimit(cg: string, bytes: number): void {
  writeFileSync(`${cg}/memory.limit_in_bytes`, String(bytes));
}

/**
 * `it` for tests with the real llama-server: skips with the reason printed
 * where the binary or llama.cpp's vocab file is missing, fails instead when
 * VIGIL_REQUIRE_LLAMA_SERVER=1. `extra` adds a capability check (cgroups…)
 * that follows VIGIL_REQUIRE_PRIVILEGED_TESTS.
 */
export function itLlamaServer(name: string, fn: () => Promise<void>, timeout: number, extra?: CapabilityCheck): void {
  const llama = missingLlamaServerBinary() ?? (haveVocab() ? null : `no ${VOCAB_GGUF} (llama.cpp's source tree): run \`bash test-support/llama/build-llama-server.sh\``);
  const priv = extra?.() ?? null;
  const enforced = [llama && process.env.VIGIL_REQUIRE_LLAMA_SERVER === '1' ? `VIGIL_REQUIRE_LLAMA_SERVER=1 but ${llama}` : null, priv && requiredPrivileged() ? `VIGIL_REQUIRE_PRIVILEGED_TESTS=1 but ${priv}` : null].filter(Boolean);
  if (enforced.length) {
    it(name, () => {
      throw new Error(enforced.join('; '));
    });
  } else if (llama || priv) {
    const why = [llama, priv].filter(Boolean).join('; ');
    console.warn(`[skip] ${name}: ${why}`);
    it.skip(`${name} — skipped: ${why}`, fn);
  } else {
    it(name, fn, timeout);
  }
}
