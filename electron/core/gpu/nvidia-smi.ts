// NVIDIA memory through nvidia-smi (no NVML binding: it would need koffi here
// and a driver-matched library). Run asynchronously with argv and a timeout,
// never through a shell.
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type { GpuMemory } from '../../common/state.js';

export const NVIDIA_SMI_ARGS = ['--query-gpu=index,name,memory.used,memory.total', '--format=csv,noheader,nounits'];
const MIB = 1024 * 1024;

/** Absolute path of an executable `name` on PATH, or null. */
export function findOnPath(name: string, pathEnv = process.env.PATH ?? ''): string | null {
  for (const dir of pathEnv.split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Parse nvidia-smi CSV (MiB, no header, no units). Throws naming the line on bad input. */
export function parseNvidiaCsv(text: string, source = 'nvidia-smi'): GpuMemory[] {
  const out: GpuMemory[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (!line) continue;
    const fields = line.split(',').map((f) => f.trim());
    // The name may itself contain commas: index first, the two numbers last.
    if (fields.length < 4) throw new Error(`${source} output line ${i + 1}: expected "index, name, used, total", got ${JSON.stringify(line)}`);
    const index = fields[0]!;
    const used = Number(fields.at(-2));
    const total = Number(fields.at(-1));
    const name = fields.slice(1, -2).join(', ');
    if (!/^\d+$/.test(index) || !Number.isFinite(used) || !Number.isFinite(total)) {
      throw new Error(`${source} output line ${i + 1}: expected numbers for index/memory.used/memory.total, got ${JSON.stringify(line)}`);
    }
    out.push({ id: `nvidia${index}`, vendor: 'nvidia', name, vramUsed: used * MIB, vramTotal: total * MIB, gttUsed: null, gttTotal: null });
  }
  return out;
}

/**
 * Query nvidia-smi at `bin`. A missing binary (ENOENT) means no NVIDIA GPU: [].
 * Exit failure or timeout rejects with a one-line Error saying which.
 */
export function readNvidiaGpus(bin: string, timeoutMs = 2000): Promise<GpuMemory[]> {
  return new Promise((resolve, reject) => {
    execFile(bin, NVIDIA_SMI_ARGS, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string | null };
        if (e.code === 'ENOENT') return resolve([]);
        if (e.killed || e.signal === 'SIGKILL') return reject(new Error(`${bin} timed out after ${timeoutMs} ms`));
        const detail = (stderr || stdout || '').trim().split('\n')[0] || e.message.split('\n')[0];
        return reject(new Error(`${bin} failed (exit ${e.code ?? e.signal}): ${detail}`));
      }
      try {
        resolve(parseNvidiaCsv(stdout, bin));
      } catch (parseErr) {
        reject(parseErr as Error);
      }
    });
  });
}
