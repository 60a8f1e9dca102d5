// The same smoke test in the Electron app, where an Electron binary exists.
// Here (no internet) the electron package's binary is not downloaded: skip, saying why.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { ROOT } from './support/global-setup.js';

function electronBinary(): { path: string } | { missing: string } {
  const dir = path.join(ROOT, 'node_modules', 'electron');
  const txt = path.join(dir, 'path.txt');
  if (!existsSync(txt)) return { missing: `${txt} absent: the electron package's binary was never downloaded (no internet at install)` };
  const bin = path.join(dir, 'dist', readFileSync(txt, 'utf8').trim());
  return existsSync(bin) ? { path: bin } : { missing: `${bin} does not exist` };
}

test('Electron app starts and shows the dashboard', async () => {
  const bin = electronBinary();
  if ('missing' in bin) {
    console.warn(`[skip] electron smoke: ${bin.missing}`);
    test.skip(true, bin.missing);
    return;
  }
  const app = await electron.launch({ executablePath: bin.path, args: [path.join(ROOT, 'out', 'main', 'main.js'), '--no-sandbox'], cwd: ROOT });
  try {
    const win = await app.firstWindow();
    await expect(win.getByRole('navigation', { name: 'Views' })).toBeVisible();
    await expect(win.getByTestId('connection')).toHaveText('connected');
  } finally {
    await app.close();
  }
});
