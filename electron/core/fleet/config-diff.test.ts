import { describe, expect, it } from 'vitest';
import type { BackendConfig, VigilConfig } from '../../common/config-schema.js';
import { backendsOf, diffBackends, needsRestart } from './config-diff.js';

const base = (id: string, over: Partial<BackendConfig> = {}): BackendConfig =>
  ({
    id, cmd: ['srv', '--port', '${PORT}'], env: {}, cwd: null, port: 'auto', memoryLimit: null, autostart: true, keepRunningOnQuit: false,
    health: { path: '/health', intervalMs: 2000, timeoutMs: 1000, unhealthyAfter: 3, restartAfter: 6, startupTimeoutMs: 600_000 },
    restart: { policy: 'on-failure', backoff: { initialMs: 1000, factor: 2, maxMs: 60_000 }, limit: { count: 5, windowMs: 600_000 } },
    stop: { signal: 'SIGTERM', graceMs: 10_000, cmd: null },
    ...over,
  }) as BackendConfig;
const map = (...cs: BackendConfig[]) => new Map(cs.map((c) => [c.id, c]));

describe('diffBackends', () => {
  it('says which backends go, which are new, and which changed', () => {
    const d = diffBackends(map(base('a'), base('b')), map(base('b'), base('c')));
    expect(d.removed).toEqual(['a']);
    expect(d.added.map((c) => c.id)).toEqual(['c']);
    expect(d.changed).toEqual([{ config: base('b'), restart: false }]);
  });

  it('a restart only for what the process was started with: command, environment, directory, port, memory limit', () => {
    for (const over of [{ cmd: ['other'] }, { env: { A: '1' } }, { cwd: '/tmp' }, { port: 8080 }, { memoryLimit: 2 ** 30 }] as Partial<BackendConfig>[]) {
      expect(needsRestart(base('a'), base('a', over)), JSON.stringify(over)).toBe(true);
    }
    const live = [
      { name: 'shown' },
      { autostart: false },
      { keepRunningOnQuit: true },
      { stop: { signal: 'SIGINT', graceMs: 1, cmd: ['docker', 'stop', 'x'] } },
      { restart: { ...base('a').restart, policy: 'always' } },
    ] as Partial<BackendConfig>[];
    for (const over of live) expect(needsRestart(base('a'), base('a', over)), JSON.stringify(over)).toBe(false);
  });

  it('backendsOf gives each backend its id, and nothing for no config', () => {
    const cfg = { backends: { x: base('ignored') } } as unknown as VigilConfig;
    expect([...backendsOf(cfg).values()].map((b) => b.id)).toEqual(['x']);
    expect(backendsOf(null).size).toBe(0);
  });
});
