// Builds the app once before the e2e run when out/ is missing or older than
// the sources, so specs always test the current code.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CLI = path.join(ROOT, 'out', 'main', 'cli.js');
const OUTPUTS = [CLI, path.join(ROOT, 'out', 'renderer', 'index.html')];
const SOURCES = ['renderer', 'electron', 'native-bindings'];

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

export function needsBuild(): boolean {
  if (!OUTPUTS.every((f) => existsSync(f))) return true;
  const built = Math.min(...OUTPUTS.map((f) => statSync(f).mtimeMs));
  return SOURCES.some((d) => existsSync(path.join(ROOT, d)) && newest(path.join(ROOT, d)) > built);
}

export default function globalSetup(): void {
  if (process.env.VIGIL_E2E_SKIP_BUILD === '1' || !needsBuild()) return;
  console.log('[e2e] building with electron-vite (out/ missing or stale)…');
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
}
