// The layering is an allow-list per zone in eslint.config.js. This proves it
// bites where it matters: in a file nested three folders deep inside every
// zone, a forbidden import is refused and an allowed one passes; test files
// get vitest and test-support/ but nothing else; and every source file in
// the repository falls in some zone.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const eslint = new ESLint({ cwd: root });

/** The layering rule's messages for `imports` in a file at `file` (repo-relative; it need not exist). */
async function refusals(file: string, spec: string): Promise<string[]> {
  const code = `import * as m from '${spec}';\nexport const x = m;\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
}

/** A repo path as a relative import from `file`, the way code in that file would write it. */
function rel(file: string, target: string): string {
  const r = path.relative(path.dirname(path.join(root, file)), path.join(root, target));
  return r.startsWith('.') ? r : `./${r}`;
}

/** Targets under a repository folder become relative imports; the rest are packages ('react-dom/client'). */
const REPO_PATH = /^(electron|renderer|native-bindings|test-support|e2e|bench|scripts)\//;
const spec = (file: string, target: string): string => (REPO_PATH.test(target) ? rel(file, target) : target);

interface ZoneCase {
  /** A file nested inside the zone. */
  file: string;
  refused: string[];
  allowed: string[];
}

const CASES: ZoneCase[] = [
  { file: 'native-bindings/x/y/z.ts', refused: ['electron', 'electron/common/api.js', 'electron/core/store.js', 'yaml'], allowed: ['koffi', 'node:fs', 'native-bindings/libc.js'] },
  { file: 'electron/common/x/y/z.ts', refused: ['node:fs', 'path', 'electron', 'koffi', 'electron/core/store.js', 'native-bindings/process.js'], allowed: ['zod', 'electron/common/state.js'] },
  {
    file: 'electron/core/x/y/z.ts',
    refused: ['electron', 'koffi', 'electron/serve/server.js', 'electron/host/dispatch.js', 'electron/desktop/tray.js', 'electron/main.js', 'renderer/lib/format.js', 'test-support/helpers.js', 'ws'],
    allowed: ['native-bindings/process.js', 'electron/common/api.js', 'electron/core/store.js', 'node:fs', 'yaml'],
  },
  { file: 'electron/host/x/y/z.ts', refused: ['node:http', 'electron', 'electron/serve/server.js', 'electron/core/vigil.js', 'ws'], allowed: ['electron/common/api.js', 'electron/host/throttle.js'] },
  {
    file: 'electron/serve/x/y/z.ts',
    refused: ['electron', 'koffi', 'electron/desktop/ipc.js', 'electron/cli/run-cli.js', 'electron/core/supervisor/backend-supervisor.js', 'electron/core/store.js', 'native-bindings/process.js'],
    allowed: ['electron/host/dispatch.js', 'electron/common/api.js', 'electron/core/vigil.js', 'ws', 'prom-client', 'node:http'],
  },
  {
    file: 'electron/cli/x/y/z.ts',
    refused: ['electron', 'electron/desktop/tray.js', 'electron/core/oom/parser.js', 'native-bindings/process.js'],
    allowed: ['electron/serve/server.js', 'electron/core/config/index.js', 'electron/core/vigil.js', 'node:util'],
  },
  {
    file: 'electron/desktop/x/y/z.ts',
    refused: ['electron/serve/dispatch.js', 'electron/serve/server.js', 'koffi', 'electron/core/store.js', 'renderer/store/store.js'],
    allowed: ['electron', 'electron/host/dispatch.js', 'electron/common/channels.js', 'electron/core/vigil.js'],
  },
  { file: 'electron/x.ts', refused: ['electron/serve/server.js', 'electron/core/supervisor/types.js', 'koffi'], allowed: ['electron', 'electron/desktop/ipc.js', 'electron/core/paths.js'] },
  {
    file: 'renderer/x/y/z.tsx',
    refused: ['node:fs', 'fs', 'electron', 'ws', 'electron/core/vigil.js', 'electron/host/dispatch.js', 'electron/serve/server.js', 'electron/preload.js', 'native-bindings/process.js'],
    allowed: ['electron/common/api.js', 'react', 'react-dom/client', 'zustand', 'renderer/lib/format.js'],
  },
  { file: 'test-support/x/y/z.ts', refused: ['bench/stats.js', '@playwright/test', 'e2e/support/host.js'], allowed: ['electron/core/store.js', 'renderer/lib/card-actions.js', 'vitest', 'node:fs'] },
  { file: 'e2e/x/y/z.ts', refused: ['electron/core/vigil.js', 'vitest', 'test-support/privileged.js', 'koffi'], allowed: ['@playwright/test', 'test-support/capabilities.js', 'e2e/support/host.js', 'electron/common/state.js'] },
  { file: 'bench/x/y/z.ts', refused: ['vitest', 'renderer/components/App.js', 'scripts/start.mjs'], allowed: ['electron/core/vigil.js', 'test-support/supervisor-harness.js', 'e2e/support/host.js', 'esbuild'] },
  { file: 'scripts/x/y/z.mjs', refused: ['yaml', 'electron/core/vigil.js', 'electron'], allowed: ['node:child_process', 'scripts/start.mjs'] },
];

describe('layering lint: an allow-list per zone, at any depth', () => {
  it.each(CASES)('$file: refuses what its zone may not import, allows the rest', async ({ file, refused, allowed }) => {
    for (const target of refused) {
      const found = await refusals(file, spec(file, target));
      expect(found, `${file} importing ${target}`).toHaveLength(1);
      expect(found[0]).toMatch(/ may not import '.*' \(.*\); it may import only: /);
    }
    for (const target of allowed) expect(await refusals(file, spec(file, target)), `${file} importing ${target}`).toEqual([]);
  });

  it('test files of a zone may add vitest and test-support/, nothing else', async () => {
    const file = 'electron/core/x/y/z.test.ts';
    expect(await refusals(file, 'vitest')).toEqual([]);
    expect(await refusals(file, spec(file, 'test-support/helpers.js'))).toEqual([]);
    expect(await refusals(file, 'electron')).toHaveLength(1);
    expect(await refusals(file, spec(file, 'electron/serve/server.js'))).toHaveLength(1);
    // The zone's own sources may not import test code.
    expect(await refusals('electron/core/x/y/z.ts', 'vitest')).toHaveLength(1);
  });

  it('counts type-only imports, re-exports and dynamic imports too', async () => {
    const file = 'electron/core/x/y/z.ts';
    const lint = async (code: string) => {
      const [r] = await eslint.lintText(code, { filePath: path.join(root, file) });
      return (r?.messages ?? []).filter((m) => m.ruleId === 'layers/allowed-imports').length;
    };
    expect(await lint("import type { App } from 'electron';\nexport type A = App;\n")).toBe(1);
    expect(await lint("export { startServer } from '../../../serve/server.js';\n")).toBe(1);
    expect(await lint("export const load = () => import('electron');\n")).toBe(1);
  });

  it('puts every source file of the repository in a zone', async () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((f) => /\.(ts|tsx|mts|js|mjs|cjs)$/.test(f) && f.includes('/'));
    expect(files.length).toBeGreaterThan(100);
    const unzoned: string[] = [];
    for (const f of files) {
      const config = (await eslint.calculateConfigForFile(path.join(root, f))) as { rules?: Record<string, unknown> } | undefined;
      if (!config?.rules?.['layers/allowed-imports']) unzoned.push(f);
    }
    expect(unzoned).toEqual([]);
  });
});
