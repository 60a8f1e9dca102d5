// Lint enforces the layering of DESIGN.md mechanically (VS Code style):
//   renderer → electron/common ← electron/core → native-bindings (koffi)
//   electron/{main,preload,desktop} and electron/serve host the core.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const electronBan = { name: 'electron', message: 'electron/core and native-bindings run in plain Node: never import electron.' };
const koffiBan = { name: 'koffi', message: 'Only native-bindings/ may import koffi.' };

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', 'bin/**', 'scripts/**', 'e2e/fixtures/**'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' } },
  },
  {
    // Everything but native-bindings: no koffi.
    files: ['**/*.ts', '**/*.tsx', '**/*.mjs'],
    ignores: ['native-bindings/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [koffiBan] }] },
  },
  {
    files: ['native-bindings/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan], patterns: [{ group: ['../electron/**', '../renderer/**'], message: 'native-bindings is the bottom layer.' }] }],
    },
  },
  {
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronBan, koffiBan], patterns: [{ group: ['electron/*', '**/renderer/**', '../serve/**', '../desktop/**', '../main*', '../preload*'], message: 'electron/core is host-agnostic: it may import electron/common and native-bindings only.' }] }],
    },
  },
  {
    files: ['electron/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...nodeBuiltins, 'electron', 'koffi'], patterns: [{ group: ['../core/**', '../../native-bindings/**', '../serve/**', '../desktop/**'], message: 'electron/common runs everywhere: only zod and itself.' }] }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...nodeBuiltins, 'electron', 'koffi'], patterns: [{ group: ['**/native-bindings/**', '**/electron/core/**', '**/electron/serve/**', '**/electron/desktop/**', '**/electron/main*', '**/electron/preload*'], message: 'The renderer talks only to window.vigil (types from electron/common).' }] }],
    },
  },
);
