// MemoryLimit where cgroups cannot be used (the real cgroup path, limit and
// counter are proven by electron/core/oom-cgroup-attribution.test.ts and
// cgroup-usage-alert.test.ts against the kernel).
import { describe, expect, it } from 'vitest';
import { MemoryLimit, type MemoryLimitDeps } from './memory-limit.js';

const make = (over: Partial<MemoryLimitDeps>): { limit: MemoryLimit; warnings: string[]; paths: (string | null)[] } => {
  const warnings: string[] = [];
  const paths: (string | null)[] = [];
  const limit = new MemoryLimit({
    backendId: 'llama',
    factory: null,
    unavailable: undefined,
    warn: (w) => warnings.push(w),
    onPath: (p) => paths.push(p),
    onCounterRose: () => expect.unreachable(),
    ...over,
  });
  return { limit, warnings, paths };
};

describe('MemoryLimit without a usable cgroup hierarchy', () => {
  it('says why once, and otherwise does nothing', async () => {
    const { limit, warnings, paths } = make({ unavailable: 'memory controller not mounted' });
    limit.ensure(64 * 2 ** 20);
    limit.ensure(64 * 2 ** 20); // a crash restart tries again: still one warning
    limit.place(process.pid, 64 * 2 ** 20);
    expect(warnings).toEqual(['memory controller not mounted']);
    expect(limit.path).toBeNull();
    expect(limit.usage()).toBeNull();
    expect(limit.takeRise()).toBe(false);
    await limit.release(false);
    expect(paths).toEqual([]);
    expect(limit.killRecord(42, 'llama-server')).toMatchObject({ pid: 42, comm: 'llama-server', backend: 'llama', source: 'cgroup', memcg: null });
  });

  it('a factory that fails (e.g. EACCES on the hierarchy) is reported with its reason', () => {
    const { limit, warnings } = make({
      factory: () => {
        throw new Error('cannot create /sys/fs/cgroup/memory/vigil/llama: EACCES');
      },
    });
    limit.ensure(2 ** 30);
    expect(warnings).toEqual(['cannot create /sys/fs/cgroup/memory/vigil/llama: EACCES']);
  });

  it('no memoryLimit configured: nothing is created and nothing is said', () => {
    let called = false;
    const { limit, warnings } = make({
      factory: () => {
        called = true;
        throw new Error('not reached');
      },
    });
    limit.ensure(null);
    expect(called).toBe(false);
    expect(warnings).toEqual([]);
  });
});
