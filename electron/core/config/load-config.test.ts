import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDuration, parseSize, type BackendConfig } from '../../common/config-schema.js';
import type { SupervisedBackendConfig } from '../supervisor/types.js';
import { tempDir } from '../../../test-support/helpers.js';
import { EXAMPLE_CONFIG } from './example-config.js';
import { ensureConfig, loadConfig, parseConfigText } from './load-config.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));
function dir() {
  const t = tempDir('vigil-config-');
  cleanups.push(t.cleanup);
  return t.dir;
}
function write(text: string): string {
  const f = path.join(dir(), 'config.yaml');
  writeFileSync(f, text);
  return f;
}

describe('durations and sizes', () => {
  it.each([
    ['500ms', 500], ['2s', 2000], ['1.5m', 90_000], ['5m', 300_000], ['1h', 3_600_000], [250, 250], [' 10 s ', 10_000],
  ] as const)('duration %j → %d ms', (v, ms) => expect(parseDuration(v)).toBe(ms));
  it.each(['2', 'two seconds', '-1s', '1y', ''])('duration %j is rejected', (v) => expect(parseDuration(v)).toBeNull());
  it.each([
    ['48G', 48 * 1024 ** 3], ['64MiB', 64 * 1024 ** 2], ['512k', 512 * 1024], ['1.5GB', 1.5 * 1024 ** 3], ['100', 100], [4096, 4096], ['2T', 2 * 1024 ** 4],
  ] as const)('size %j → %d bytes', (v, b) => expect(parseSize(v)).toBe(b));
  it.each(['48X', 'lots', '-1G', '1.2.3G'])('size %j is rejected', (v) => expect(parseSize(v)).toBeNull());
});

describe('loadConfig', () => {
  it('fills every default for a minimal backend', async () => {
    const r = await loadConfig(write('backends:\n  llama:\n    cmd: llama-server --port ${PORT}\n'));
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.format).toBe('vigil');
    expect(r.ignored).toEqual([]);
    expect(r.config.backends.llama).toEqual({
      id: 'llama',
      cmd: ['llama-server', '--port', '${PORT}'],
      env: {},
      cwd: null,
      port: 'auto',
      health: { path: '/health', intervalMs: 2000, timeoutMs: 1000, unhealthyAfter: 3, restartAfter: 6, startupTimeoutMs: 600_000, generate: null },
      restart: { policy: 'on-failure', backoff: { initialMs: 1000, factor: 2, maxMs: 60_000 }, limit: { count: 5, windowMs: 600_000 } },
      stop: { signal: 'SIGTERM', graceMs: 10_000, cmd: null },
      memoryLimit: null,
      oom: { scoreAdj: 500, onPressure: 'stop', priority: 10 },
      fit: { policy: 'warn' },
      autostart: true,
      keepRunningOnQuit: false,
      llama: null,
    });
    expect(r.config.alerts).toEqual({ memAvailableBelow: { percent: 5 }, psiFullAvg10Above: 10, limitMarginPercent: 10 });
    expect(r.config.kernelLog).toEqual({ sources: ['kmsg', 'journal'] });
    expect(r.config.sampling).toEqual({ intervalMs: 1000 });
  });

  it('normalises a full backend: argv, env, cwd, sizes, durations, signal', async () => {
    const f = write(`version: 1
backends:
  vllm:
    name: vLLM
    cmd: [python3, -m, vllm.entrypoints.openai.api_server, --port, "8000"]
    env: { CUDA_VISIBLE_DEVICES: 0, HF_HOME: /models, DEBUG: true }
    cwd: work
    port: 8000
    health: { path: /v1/models, interval: 500ms, timeout: 2s, unhealthyAfter: 2, restartAfter: 4, startupTimeout: 30m, generate: { every: 2m, timeout: 45s } }
    restart: { policy: always, backoff: { initial: 250, factor: 1.5, max: 5m }, limit: { count: 3, window: 1h } }
    stop: { signal: int, grace: 3s }
    memoryLimit: 48G
    fit: { policy: refuse }
    autostart: false
    keepRunningOnQuit: true
    llama: false
alerts: { memAvailableBelow: 2G, psiFullAvg10Above: 25 }
kernelLog: { sources: [journal] }
sampling: { intervalMs: 2000 }
`);
    const r = await loadConfig(f);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const b = r.config.backends.vllm!;
    expect(b.cmd).toEqual(['python3', '-m', 'vllm.entrypoints.openai.api_server', '--port', '8000']);
    expect(b.env).toEqual({ CUDA_VISIBLE_DEVICES: '0', HF_HOME: '/models', DEBUG: 'true' });
    expect(b.cwd).toBe(path.join(path.dirname(f), 'work'));
    expect(b.port).toBe(8000);
    expect(b.health).toEqual({ path: '/v1/models', intervalMs: 500, timeoutMs: 2000, unhealthyAfter: 2, restartAfter: 4, startupTimeoutMs: 1_800_000, generate: { everyMs: 120_000, timeoutMs: 45_000 } });
    expect(b.restart).toEqual({ policy: 'always', backoff: { initialMs: 250, factor: 1.5, maxMs: 300_000 }, limit: { count: 3, windowMs: 3_600_000 } });
    expect(b.stop).toEqual({ signal: 'SIGINT', graceMs: 3000, cmd: null });
    expect(b.memoryLimit).toBe(48 * 1024 ** 3);
    expect(b.fit).toEqual({ policy: 'refuse' });
    expect([b.autostart, b.keepRunningOnQuit, b.name, b.llama]).toEqual([false, true, 'vLLM', false]);
    expect(r.config.alerts.memAvailableBelow).toEqual({ bytes: 2 * 1024 ** 3 });
    expect(r.config.kernelLog.sources).toEqual(['journal']);
  });

  it('oom and guard: defaults, the keys as documented, and bad values named with file, line and field', async () => {
    const ok = await loadConfig(write('guard:\n  enabled: true\nbackends:\n  chat:\n    cmd: llama-server --port ${PORT}\n    oom: { scoreAdj: 800, onPressure: restart-smaller, priority: 1 }\n'));
    if (!ok.ok) throw new Error(JSON.stringify(ok.issues));
    expect(ok.config.backends.chat!.oom).toEqual({ scoreAdj: 800, onPressure: 'restart-smaller', priority: 1 });
    expect(ok.config.guard).toEqual({ enabled: true, psiFullAbove: 20, memAvailableBelow: { percent: 5 }, forMs: 2000, cooldownMs: 10_000, intervalMs: 500, wakeups: true });
    const f = write('guard: { enabled: maybe, for: soon }\nbackends:\n  chat:\n    cmd: llama-server --port ${PORT}\n    oom:\n      scoreAdj: 1500\n      onPressure: kill\n');
    const bad = await loadConfig(f);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const byField = Object.fromEntries(bad.issues.map((i) => [i.field, i]));
    expect(byField['backends.chat.oom.scoreAdj']).toMatchObject({ file: f, line: 6, message: expect.stringContaining('-1000..1000') });
    expect(byField['backends.chat.oom.onPressure']).toMatchObject({ file: f, line: 7, message: expect.stringContaining('stop, restart-smaller or never') });
    expect(byField['guard.enabled']).toMatchObject({ file: f, line: 1 });
    expect(byField['guard.for']).toMatchObject({ file: f, line: 1, message: expect.stringContaining('invalid duration') });
  });

  it('a fit policy other than warn or refuse is named with its field', async () => {
    const r = await loadConfig(write('backends:\n  llama:\n    cmd: llama-server --port ${PORT}\n    fit: { policy: block }\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({ field: 'backends.llama.fit.policy', line: 4 });
  });

  it('health.generate: {} turns the generation probe on with its defaults; a bad duration names the field', async () => {
    const r = await loadConfig(write('backends:\n  llm:\n    cmd: llama-server --port ${PORT}\n    health: { generate: {} }\n'));
    expect(r.ok && r.config.backends.llm!.health.generate).toEqual({ everyMs: 60_000, timeoutMs: 30_000 });
    const bad = await loadConfig(write('backends:\n  llm:\n    cmd: llama-server --port ${PORT}\n    health: { generate: { every: soon } }\n'));
    expect(!bad.ok && bad.issues.map((i) => [i.field, i.line])).toEqual([['backends.llm.health.generate.every', 4]]);
  });

  it('health path none disables the probe and allows no port', async () => {
    const r = await loadConfig(write('backends:\n  worker:\n    cmd: sleep 1000\n    health: { path: none }\n'));
    expect(r.ok && r.config.backends.worker!.health.path).toBeNull();
  });

  it('gives YAML syntax errors a line and column', async () => {
    const f = write('backends:\n  llama:\n    cmd: [a, b\n    port: 3\n');
    const r = await loadConfig(f);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues[0]).toMatchObject({ file: f, line: expect.any(Number), column: expect.any(Number), field: null });
    expect(r.issues[0]!.message).toMatch(/^YAML syntax: /);
    expect(r.issues[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('reports a duplicate key with its line', () => {
    const r = parseConfigText('backends:\n  a:\n    cmd: x\n    cmd: y\n', '/c.yaml');
    expect(!r.ok && r.issues[0]).toMatchObject({ line: 4, message: expect.stringMatching(/unique/i) });
  });

  it('maps schema errors to file, line, column and dotted field', async () => {
    const f = write(`backends:
  llama:
    cmd: llama-server --port \${PORT}
    health:
      interval: soon
    restart:
      policy: sometimes
    memoryLimit: 12 apples
    restrat: {}
  nocmd:
    port: 8080
  "bad id!":
    cmd: x
    port: 1
`);
    const r = await loadConfig(f);
    if (r.ok) throw new Error('expected issues');
    const byField = Object.fromEntries(r.issues.map((i) => [i.field, i]));
    expect(byField['backends.llama.restart.policy']).toMatchObject({ file: f, line: 7, column: 15 });
    expect(byField['backends.llama.restart.policy']!.message).toMatch(/always.*on-failure.*never/);
    expect(byField['backends.llama.health.interval']).toMatchObject({ line: 5, column: 17, message: expect.stringMatching(/invalid duration "soon"/) });
    expect(byField['backends.llama.memoryLimit']).toMatchObject({ line: 8, message: expect.stringMatching(/invalid size "12 apples"/) });
    expect(byField['backends.llama.restrat']).toMatchObject({ line: 9, column: 5, message: "unknown field 'restrat' (did you mean 'restart'?)" });
    expect(byField['backends.nocmd.cmd']).toMatchObject({ line: 11, message: "missing required field 'cmd'" });
    expect(byField['backends.bad id!']).toMatchObject({ line: 12, column: 3, message: expect.stringMatching(/invalid backend id/) });
  });

  it('reports cmd operators and a missing port against the cmd/port field', () => {
    const r = parseConfigText('backends:\n  a:\n    cmd: server --port ${PORT} > out.log\n  b:\n    cmd: server\n', '/c.yaml');
    if (r.ok) throw new Error('expected issues');
    expect(r.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'backends.b.port', message: expect.stringMatching(/\$\{PORT\}/) }),
      ]),
    );
    const r2 = parseConfigText('backends:\n  a:\n    cmd: server --port ${PORT} > out.log\n', '/c.yaml');
    expect(!r2.ok && r2.issues[0]).toMatchObject({ field: 'backends.a.cmd', line: 3, column: 10, message: expect.stringMatching(/operator '>'/) });
  });

  it('rejects a non-mapping document and an unreadable path', async () => {
    expect(parseConfigText('- a\n- b\n', '/c.yaml')).toMatchObject({ ok: false, issues: [{ line: 1, message: expect.stringMatching(/mapping/) }] });
    const missing = path.join(dir(), 'nope.yaml');
    expect(await loadConfig(missing)).toMatchObject({ ok: false, issues: [{ file: missing, message: 'cannot read config: file not found' }] });
  });

  it('an empty file is a valid config with no backends', () => {
    expect(parseConfigText('', '/c.yaml')).toMatchObject({ ok: true, config: { backends: {} } });
  });
});

describe('first run', () => {
  it('creates the directory and the commented example, which loads', async () => {
    const f = path.join(dir(), 'deep', 'vigil', 'config.yaml');
    const r = await loadConfig(f, { create: true });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.created).toBe(true);
    expect(readFileSync(f, 'utf8')).toBe(EXAMPLE_CONFIG);
    expect(EXAMPLE_CONFIG).toMatch(/^# /);
    expect(r.config.backends.llama!.autostart).toBe(false);
    expect(await ensureConfig(f)).toEqual({ created: false });
    const again = await loadConfig(f, { create: true });
    expect(again.ok && again.created).toBe(false);
  });
  it('never overwrites an existing file', async () => {
    const f = write('backends: {}\n');
    expect(await ensureConfig(f)).toEqual({ created: false });
    expect(readFileSync(f, 'utf8')).toBe('backends: {}\n');
    expect(existsSync(f)).toBe(true);
  });
});

// Compile-time: a loaded backend is passed straight to the supervisor, so a
// drift between the two shapes must fail `tsc -b`.
export const _backendConfigFitsSupervisor = (b: BackendConfig): SupervisedBackendConfig => b;
