// The config path replaced under a running core — by a directory, a FIFO, a
// NUL-filled file, random bytes, a Latin-1 byte in YAML — as the file watcher
// sees it: each gives a clear error with the path (and line and column where
// there is one), the last good configuration stays in force, the running
// backend is left alone, and a good file is taken again afterwards.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { VigilState } from '../common/state.js';
import { waitFor } from '../../test-support/helpers.js';
import { FAKE_SERVER } from '../../test-support/supervisor-harness.js';
import { createVigil, type VigilCore } from './vigil.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const goodYaml = (name: string): string => `backends:
  fake:
    name: ${name}
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}"]
    health: { interval: 200ms, timeout: 500ms }
    stop: { grace: 2s }
`;

const backend = (s: VigilState) => s.backends.find((b) => b.id === 'fake');

/** Replaces whatever is at `file` (a file or a directory) with what `make` puts there. */
function replace(file: string, make: () => void): void {
  rmSync(file, { recursive: true, force: true });
  make();
}

describe('the config path replaced under a running core', () => {
  it('reports each bad replacement with its path and place, keeps the last good config and the backend, and takes a good file again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-config-fault-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, goodYaml('first'));
    const core: VigilCore = await createVigil({ configPath: cfg, stateDir: path.join(dir, 'state'), kmsgPath: null, journalctl: null });
    cleanups.push(() => core.shutdown());
    const ready = await waitFor(() => (backend(core.getState())?.status === 'ready' ? backend(core.getState()) : null), 20_000, 'backend ready');
    const loadedAt = core.getState().config.loadedAt;
    expect(loadedAt).not.toBeNull();

    const latin1 = Buffer.concat([Buffer.from('backends:\n  fake:\n    name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    const cases: { what: string; make: () => void; message: string | RegExp; line: number | null; column?: number }[] = [
      { what: 'a directory', make: () => mkdirSync(cfg), message: 'cannot read config: it is a directory, not a file', line: null },
      { what: 'a FIFO', make: () => execFileSync('mkfifo', [cfg]), message: 'cannot read config: it is a FIFO, not a file', line: null },
      { what: 'a NUL-filled file', make: () => writeFileSync(cfg, Buffer.alloc(65536)), message: /^not a text file: a NUL byte at byte 0 \(line 1, column 1\)/, line: 1, column: 1 },
      {
        what: 'random bytes',
        make: () => writeFileSync(cfg, Buffer.from(Array.from({ length: 20_000 }, () => 1 + Math.floor(Math.random() * 255)))),
        message: /^not UTF-8 text: byte 0x[0-9a-f]{2} at byte \d+ \(line \d+, column \d+\)/,
        line: expect.any(Number) as unknown as number,
      },
      { what: 'a Latin-1 byte in YAML', make: () => writeFileSync(cfg, latin1), message: /^not UTF-8 text: byte 0xe9 at byte 31 \(line 3, column 14\)/, line: 3, column: 14 },
    ];
    for (const c of cases) {
      replace(cfg, c.make);
      const err = await waitFor(() => {
        const e = core.getState().config.errors[0];
        return e && (typeof c.message === 'string' ? e.message === c.message : c.message.test(e.message)) ? e : null;
      }, 10_000, `the config error for ${c.what} (now: ${JSON.stringify(core.getState().config.errors)})`);
      expect(err, c.what).toMatchObject({ file: cfg, line: c.line, ...(c.column ? { column: c.column } : {}) });
      expect(core.getState().config.errors, c.what).toHaveLength(1);
      // The last good config is in force: same backend, same process, same load time.
      const now = backend(core.getState())!;
      expect(now, c.what).toMatchObject({ name: 'first', status: 'ready', pid: ready.pid });
      expect(core.getState().config.loadedAt, c.what).toBe(loadedAt);
    }
    const rejected = (await core.getEvents({})).filter((e) => e.kind === 'config' && e.reason.startsWith('config rejected'));
    for (const text of ['it is a directory', 'it is a FIFO', 'a NUL byte', 'byte 0xe9']) expect(rejected.some((e) => e.reason.includes(text)), text).toBe(true);
    expect(rejected.every((e) => e.reason.includes('config.yaml'))).toBe(true);

    replace(cfg, () => writeFileSync(cfg, goodYaml('second')));
    await waitFor(() => backend(core.getState())?.name === 'second' && core.getState().config.errors.length === 0, 10_000, 'the good file taken again');
    expect(backend(core.getState())).toMatchObject({ status: 'ready', pid: ready.pid });
  }, 180_000);
});
