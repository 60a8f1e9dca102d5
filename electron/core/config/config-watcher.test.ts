import { renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../../test-support/helpers.js';
import { ConfigWatcher, type ConfigChange } from './config-watcher.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('ConfigWatcher', () => {
  it('creates the file on start, reloads on change, keeps the last good config on a broken edit', async () => {
    const t = tempDir('vigil-watch-');
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'vigil', 'config.yaml');
    const w = new ConfigWatcher(file, { debounceMs: 50 });
    cleanups.push(() => w.stop());
    const first = await w.start();
    expect(first.status).toMatchObject({ created: true, format: 'vigil', errors: [] });
    expect(Object.keys(w.config!.backends)).toEqual(['llama']);

    const changes: ConfigChange[] = [];
    w.onChange((c) => changes.push(c));
    writeFileSync(file, 'backends:\n  a:\n    cmd: srv --port ${PORT}\n');
    await waitFor(() => w.config?.backends.a, 30_000, 'reload after edit');
    expect(w.status.errors).toEqual([]);
    const loadedAt = w.status.loadedAt;

    writeFileSync(file, 'backends:\n  a:\n    cmd: srv --port ${PORT}\n    restart: { policy: maybe }\n');
    await waitFor(() => w.status.errors.length > 0, 30_000, 'errors after broken edit');
    expect(w.status.errors[0]).toMatchObject({ file, line: 4, field: 'backends.a.restart.policy' });
    expect(w.config!.backends.a!.restart.policy).toBe('on-failure'); // last good stays
    expect(w.status.loadedAt).toBe(loadedAt);
    const last = changes[changes.length - 1]!;
    expect(last.result.ok).toBe(false);
    expect(last.config?.backends.a).toBeDefined();

    // Editors save by writing a temp file and renaming it over the original.
    const tmp = path.join(t.dir, 'vigil', '.config.yaml.swp');
    writeFileSync(tmp, 'backends:\n  b:\n    cmd: [srv, --port, "${PORT}"]\n');
    renameSync(tmp, file);
    await waitFor(() => w.config?.backends.b, 30_000, 'reload after rename');
    expect(w.status.errors).toEqual([]);
    expect(w.config!.backends.a).toBeUndefined();
  });
});

describe('ConfigWatcher without inotify events', () => {
  it('still applies an edit when the directory watch is gone (a dropped event, a watch the kernel ended)', async () => {
    const t = tempDir('vigil-watch-');
    cleanups.push(t.cleanup);
    const file = path.join(t.dir, 'config.yaml');
    writeFileSync(file, 'backends:\n  a:\n    cmd: srv --port ${PORT}\n');
    const w = new ConfigWatcher(file, { debounceMs: 20 });
    cleanups.push(() => w.stop());
    await w.start();
    // The kernel's side of the watch ends: only the identity check can see the edit now.
    (w as unknown as { watcher: { close(): void } }).watcher.close();
    writeFileSync(file, 'backends:\n  a:\n    cmd: srv --port ${PORT}\n  b:\n    cmd: srv --port ${PORT}\n');
    await waitFor(() => w.config?.backends.b, 10_000, 'the edit applied by the backstop');
  });
});
