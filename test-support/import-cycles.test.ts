// No import cycles in the product folders. The graph is built with
// TypeScript's own module resolution (so './x.js' finds x.ts or x.tsx), over
// every non-test source of electron/, native-bindings/ and renderer/; type-only
// imports count too, since a cycle of types is still two modules that cannot
// be understood apart. A cycle is printed as a path: a.ts → b.ts → a.ts.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

function productSources(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'electron', 'native-bindings', 'renderer'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
}

/** file → the product files it imports (repo-relative). */
function importGraph(files: readonly string[]): Map<string, string[]> {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, jsx: ts.JsxEmit.ReactJSX };
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const abs = path.join(root, file);
    const { importedFiles } = ts.preProcessFile(readFileSync(abs, 'utf8'), true, true);
    const deps = new Set<string>();
    for (const imp of importedFiles) {
      const resolved = ts.resolveModuleName(imp.fileName, abs, options, ts.sys).resolvedModule?.resolvedFileName;
      if (!resolved) continue;
      const rel = path.relative(root, resolved).split(path.sep).join('/');
      if (known.has(rel)) deps.add(rel);
    }
    graph.set(file, [...deps].sort());
  }
  return graph;
}

/** Strongly connected components with more than one file (or a file importing itself), each with one cycle through it. */
function findCycles(graph: Map<string, string[]>): { members: string[]; path: string[] }[] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sccs: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || graph.get(v)?.includes(v)) sccs.push(scc.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) visit(v);

  return sccs.map((members) => {
    // One concrete cycle: walk from the first member, staying inside the component, until a file repeats.
    const inside = new Set(members);
    const walk = [members[0]!];
    for (;;) {
      const next = (graph.get(walk.at(-1)!) ?? []).find((w) => inside.has(w) && (!walk.includes(w) || w === walk[0]))!;
      walk.push(next);
      if (walk.indexOf(next) !== walk.length - 1) return { members, path: walk.slice(walk.indexOf(next)) };
    }
  });
}

describe('import graph of the product folders', () => {
  it('finds a cycle when there is one (the checker itself)', () => {
    const g = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts', 'd.ts']], ['d.ts', []], ['e.ts', ['e.ts']]]);
    expect(findCycles(g)).toEqual([
      { members: ['a.ts', 'b.ts', 'c.ts'], path: ['a.ts', 'b.ts', 'c.ts', 'a.ts'] },
      { members: ['e.ts'], path: ['e.ts', 'e.ts'] },
    ]);
    expect(findCycles(new Map([['a.ts', ['b.ts']], ['b.ts', []]]))).toEqual([]);
  });

  it('resolves the real imports (a known edge is present)', () => {
    const graph = importGraph(productSources());
    expect(graph.size).toBeGreaterThan(80);
    expect(graph.get('electron/serve/ws-bridge.ts')).toContain('electron/host/dispatch.ts');
    expect(graph.get('renderer/components/BackendCard.tsx')).toContain('renderer/lib/card-actions.ts');
  });

  it('has no import cycle in the product folders', () => {
    const printed = findCycles(importGraph(productSources())).map((c) => c.path.join(' → '));
    expect(printed, `import cycles:\n${printed.join('\n')}`).toEqual([]);
  });
});
