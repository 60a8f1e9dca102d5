// Lint enforces the layering (ARCHITECTURE.md) as an allow-list per folder:
// each zone below names everything its files may import, and the rule
// (scripts/eslint-layers.mjs) resolves relative imports first, so it holds at
// any depth. Arrows point one way:
//   renderer → electron/common ← electron/host ← electron/{serve,desktop,main,preload,cli}
//                              ← electron/core → native-bindings (koffi)
// test-support/layering.test.ts lints a nested file in every zone to prove it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './scripts/eslint-layers.mjs';

const SOURCE_EXT = '{ts,tsx,mts,js,mjs,cjs}';

/** What the hosts may use of the core: its entry points, never a subfolder's internals. */
const CORE_FACADE = ['electron/core/vigil', 'electron/core/paths', 'electron/core/diagnostics', 'electron/core/*/index'];

// Zones: their files (`roots`: 'x/**' is everything under x, 'electron/*' the
// files directly in electron/), what those may import besides their own zone
// (`may`), and what their *.test.ts files may import on top (`tests`; every
// test may use vitest and test-support/).
const ZONES = [
  { zone: 'native-bindings', roots: ['native-bindings/**'], may: ['node:', 'koffi'] },
  { zone: 'electron/common', roots: ['electron/common/**'], may: ['zod'] },
  { zone: 'electron/core', roots: ['electron/core/**'], may: ['electron/common/**', 'native-bindings/**', 'node:', 'yaml', 'zod', 'zustand', 'parse-prometheus-text-format'] },
  { zone: 'electron/host', roots: ['electron/host/**'], may: ['electron/common/**'] },
  { zone: 'electron/serve', roots: ['electron/serve/**'], may: ['electron/common/**', 'electron/host/**', ...CORE_FACADE, 'node:', 'ws', 'prom-client'], tests: ['ws'] },
  { zone: 'electron/cli', roots: ['electron/cli/**'], may: ['electron/common/**', 'electron/host/**', 'electron/serve/**', ...CORE_FACADE, 'node:'], tests: ['ws'] },
  { zone: 'the Electron host (electron/*.ts, electron/desktop)', roots: ['electron/*', 'electron/desktop/**'], may: ['electron', 'electron/common/**', 'electron/host/**', ...CORE_FACADE, 'node:'] },
  { zone: 'renderer', roots: ['renderer/**'], may: ['electron/common/**', 'react', 'react-dom', 'zustand', 'uplot', 'zod'], tests: ['ws'] },
  {
    zone: 'test-support',
    roots: ['test-support/**'],
    may: ['electron/**', 'native-bindings/**', 'renderer/**', 'e2e/fixtures/**', 'node:', 'vitest', 'eslint', 'typescript', 'ws', 'yaml', 'genai-electron'],
  },
  { zone: 'e2e', roots: ['e2e/**'], may: ['electron/common/**', 'test-support/capabilities', 'test-support/llama/testbed', 'test-support/nvml/fake-nvml', 'node:', '@playwright/test', 'yaml', 'ws'] },
  {
    zone: 'bench',
    roots: ['bench/**'],
    may: ['electron/**', 'native-bindings/**', 'test-support/**', 'e2e/support/**', 'node:', 'yaml', 'ws', 'esbuild', '@playwright/test'],
  },
  { zone: 'scripts, bin, build', roots: ['scripts/**', 'bin/**', 'build/**'], may: ['node:'] },
];

/** Config blocks for one zone: its sources, then its tests with the extra allowances. */
function zoneConfig({ zone, roots, may, tests = [] }) {
  const rule = (extra) => ({ 'layers/allowed-imports': ['error', { zone, may: [...roots, ...may, ...extra] }] });
  const glob = (r, ext) => (r.endsWith('/**') ? `${r}/*.${ext}` : `${r}.${ext}`);
  const testFiles = roots.map((r) => glob(r, 'test.{ts,tsx}'));
  return [
    { files: roots.map((r) => glob(r, SOURCE_EXT)), ignores: testFiles, rules: rule([]) },
    { files: testFiles, rules: rule(['vitest', 'test-support/**', ...tests]) },
  ];
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    plugins: { layers: layersPlugin(import.meta.dirname) },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'bin/**', 'scripts/**', 'e2e/fixtures/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
  },
  ...ZONES.flatMap(zoneConfig),
);
