// The store is a projection for hosts and windows: decisions in the core
// read the supervisor's record (through the BackendContext a plug-in is
// handed) or hear its changes (BackendObserver), never the store. Only its
// owners read it back: the store itself, the composition root that hands it
// to the hosts, and the memory feed, which compares the system figure it
// published with a new sample.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const CORE = path.join(ROOT, 'electron/core');
const OWNERS = new Set(['store.ts', 'vigil.ts', 'feeds/memory/memory-feed.ts']);
/** A read of the whole state, or of one backend's view, from a store. */
const READ = /\b(?:store|getState)\s*(?:\(\))?\.(?:get|getBackend)\s*\(|\bstore\.get\b/;

describe('no module under electron/core but the store\'s owners reads the store', () => {
  it('store.get() / getBackend() appear only in the owners', () => {
    const offenders: string[] = [];
    for (const e of readdirSync(CORE, { withFileTypes: true, recursive: true })) {
      if (!e.isFile() || !/\.ts$/.test(e.name) || /\.(test|d)\.ts$/.test(e.name)) continue;
      const rel = path.relative(CORE, path.join(e.parentPath, e.name));
      if (OWNERS.has(rel)) continue;
      readFileSync(path.join(e.parentPath, e.name), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (READ.test(line)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });

  it('the rule sees a read (a file that reads the store is caught)', () => {
    expect(READ.test("const b = this.d.store.get().backends.find((x) => x.id === id);")).toBe(true);
    expect(READ.test('const v = store.getBackend(id);')).toBe(true);
    expect(READ.test('store.setBackend(id, patch);')).toBe(false);
  });
});
