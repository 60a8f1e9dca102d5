// Builds the stand-in libnvidia-ml.so.1 (fake-nvml.c) with the system's C
// compiler into a temp dir, once per variant and test process, and writes
// the script it answers from. Nothing compiled is kept in the repository.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-nvml.c');

export type FakeNvmlVariant = 'current' | 'no-memory-v2' | 'processes-v2';
const FLAGS: Record<FakeNvmlVariant, string[]> = { current: [], 'no-memory-v2': ['-DNO_MEMORY_V2'], 'processes-v2': ['-DPROCESSES_V2'] };

let dir: string | null = null;
const built = new Map<FakeNvmlVariant, string>();

/** Path of the stand-in library for this variant (compiled on first use). */
export function fakeNvmlLibrary(variant: FakeNvmlVariant = 'current'): string {
  const had = built.get(variant);
  if (had) return had;
  dir ??= mkdtempSync(path.join(tmpdir(), 'vigil-fake-nvml-'));
  const out = path.join(dir, variant, 'libnvidia-ml.so.1');
  mkdirSync(path.dirname(out), { recursive: true });
  execFileSync('cc', ['-shared', '-fPIC', '-O1', '-Wall', '-Werror', ...FLAGS[variant], '-o', out, SOURCE], { stdio: 'pipe' });
  built.set(variant, out);
  return out;
}

export interface FakeDevice {
  name: string;
  uuid: string;
  busId: string;
  /** Bytes, or 'unsupported' (memory calls say NOT_SUPPORTED) or 'na' (NVML_VALUE_NOT_AVAILABLE). */
  total: number | 'unsupported' | 'na';
  used: number;
  reserved?: number;
}

export interface FakeProcess {
  device: number;
  pid: number;
  bytes: number | 'na';
  graphics?: boolean;
}

export interface FakeNvmlScript {
  devices: FakeDevice[];
  processes?: FakeProcess[];
  /** nvmlInit_v2 fails with this NVML code. */
  initError?: number;
  /** The first sized list call finds this many more processes than the count call said. */
  race?: number;
}

/** Write the script the stand-in reads (on every call) and point it at it through the environment; returns the call log's path. */
export function scriptNvml(file: string, s: FakeNvmlScript, env: NodeJS.ProcessEnv = process.env): string {
  const lines: string[] = [];
  if (s.initError !== undefined) lines.push(`init\t${s.initError}`);
  if (s.race) lines.push(`race\t${s.race}`);
  for (const d of s.devices) lines.push(['device', d.name, d.uuid, d.busId, d.total, d.used, d.reserved ?? 0].join('\t'));
  for (const p of s.processes ?? []) lines.push([p.graphics ? 'graphics' : 'compute', p.device, p.pid, p.bytes].join('\t'));
  writeFileSync(file, `${lines.join('\n')}\n`);
  env.VIGIL_FAKE_NVML_SCRIPT = file;
  const log = `${file}.log`;
  writeFileSync(log, '');
  env.VIGIL_FAKE_NVML_LOG = log;
  return log;
}
