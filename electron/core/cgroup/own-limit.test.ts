// Vigil inside a limited memory cgroup: the tightest limit at or above its
// own cgroup is found on v1 and v2 (fixture trees), read as a machine
// (limit less the charge, droppable page cache counted free; v2's own PSI),
// and on v1 backends' cgroups go beneath Vigil's.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectMemoryHierarchy } from './detect.js';
import { ownMemoryLimit, readLimitedMachine } from './own-limit.js';

const MiB = 2 ** 20;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string>): { procRoot: string; cgroupRoot: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'vigil-ownlimit-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return { procRoot: path.join(root, 'proc'), cgroupRoot: path.join(root, 'cgroup') };
}

const V1_MOUNTS = '34 30 0:31 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n';
const V2_MOUNTS = '29 26 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n';
const UNIT = 'user.slice/user-1000.slice/user@1000.service/app.slice/vigil.service';

describe('the memory cgroup Vigil runs in', () => {
  it('v1: the limit above Vigil’s own cgroup is the machine, and backends go beneath Vigil', () => {
    const env = tree({
      'proc/self/mountinfo': V1_MOUNTS,
      'proc/self/cgroup': '4:memory:/box/vigil\n0::/\n',
      'cgroup/memory/box/memory.limit_in_bytes': `${600 * MiB}\n`,
      'cgroup/memory/box/memory.usage_in_bytes': `${500 * MiB}\n`,
      'cgroup/memory/box/memory.stat': `cache 1\ntotal_inactive_file ${20 * MiB}\n`,
      'cgroup/memory/box/vigil/memory.limit_in_bytes': '9223372036854771712\n',
    });
    const own = ownMemoryLimit(env);
    expect(own).toEqual({ version: 1, self: path.join(env.cgroupRoot, 'memory/box/vigil'), limited: path.join(env.cgroupRoot, 'memory/box'), limitBytes: 600 * MiB });
    expect(readLimitedMachine(own!)).toEqual({ total: 600 * MiB, available: 120 * MiB, psiFullAvg10: null });
    const d = detectMemoryHierarchy(env);
    expect(d).toMatchObject({ ok: true, hierarchy: { version: 1, base: path.join(env.cgroupRoot, 'memory/box/vigil/vigil') } });
  });

  it('v2: the unit’s memory.max (not "max" above it), its charge and its own PSI', () => {
    const env = tree({
      'proc/self/mountinfo': V2_MOUNTS,
      'proc/self/cgroup': `0::/${UNIT}/supervisor\n`,
      'cgroup/user.slice/memory.max': 'max\n',
      [`cgroup/${UNIT}/memory.max`]: `${8 * 1024 * MiB}\n`,
      [`cgroup/${UNIT}/memory.current`]: `${7 * 1024 * MiB}\n`,
      [`cgroup/${UNIT}/memory.stat`]: `anon 1\ninactive_file ${512 * MiB}\n`,
      [`cgroup/${UNIT}/memory.pressure`]: 'some avg10=30.00 avg60=1.00 avg300=0.00 total=1\nfull avg10=12.50 avg60=0.50 avg300=0.00 total=1\n',
      [`cgroup/${UNIT}/supervisor/memory.max`]: 'max\n',
    });
    const own = ownMemoryLimit(env)!;
    expect(own).toMatchObject({ version: 2, limited: path.join(env.cgroupRoot, UNIT), limitBytes: 8 * 1024 * MiB });
    expect(readLimitedMachine(own)).toEqual({ total: 8 * 1024 * MiB, available: 1536 * MiB, psiFullAvg10: 12.5 });
  });

  it('no limit anywhere up the tree: none', () => {
    const env = tree({ 'proc/self/mountinfo': V1_MOUNTS, 'proc/self/cgroup': '4:memory:/process_api/x\n', 'cgroup/memory/process_api/x/memory.limit_in_bytes': '9223372036854771712\n' });
    expect(ownMemoryLimit(env)).toBeNull();
  });
});
