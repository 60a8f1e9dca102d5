// `npm start`: build when out/ is missing or older than the sources, then
// run the Electron app; where Electron cannot run (binary not downloaded, no
// network, no display) say so in one line and run the headless host
// instead. `--headless` (npm run serve) goes straight to it. Extra
// arguments are passed to `vigil serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUTPUTS = ['out/main/main.js', 'out/main/cli.js', 'out/preload/preload.cjs', 'out/renderer/index.html'].map((p) => path.join(root, p));
const SOURCES = ['electron', 'renderer', 'native-bindings'].map((p) => path.join(root, p));

const say = (msg) => process.stderr.write(`vigil start: ${msg}\n`);

/** Newest mtime of a built-from source under dir (tests and fixtures do not go into out/). */
function newestSource(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'fixtures' && e.name !== 'node_modules') newest = Math.max(newest, newestSource(p));
    } else if (/\.(ts|tsx|css|html)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name)) {
      newest = Math.max(newest, statSync(p).mtimeMs);
    }
  }
  return newest;
}

function needsBuild() {
  if (!OUTPUTS.every((p) => existsSync(p))) return true;
  const oldestOut = Math.min(...OUTPUTS.map((p) => statSync(p).mtimeMs));
  return Math.max(...SOURCES.map(newestSource)) > oldestOut;
}

function build() {
  say('building (npx electron-vite build)…');
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    say(`build failed (${r.error ? r.error.message : `exit ${r.status}`}); fix the errors above and run npm start again`);
    process.exit(1);
  }
}

/** Path of the Electron binary, or why there is none. Resolved in a child: the electron package may try (and noisily fail) to download. */
function electronBinary() {
  const r = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  if (r.status === 0 && r.stdout && existsSync(r.stdout)) return { path: r.stdout };
  const lines = `${r.stderr ?? ''}\n${r.error?.message ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const why = lines.find((l) => /Electron failed|fetch failed|ENOTFOUND|EAI_AGAIN/.test(l)) ?? lines[0] ?? 'binary not found';
  return { error: why };
}

function forwardSignals(child) {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 : 1)));
}

function openBrowser(url) {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const b = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
  b.on('error', (e) => say(`cannot open a browser (xdg-open: ${e.message}); open the URL above`));
  b.unref();
}

function serve(args) {
  // With the systemd unit's node flag (SERVICE_NODE_FLAGS in electron/cli/install-service.ts):
  // given on the command line, lite mode also sizes V8's heap for memory, about 1 MiB less
  // resident than bin/vigil.mjs setting it after node has started.
  const flags = process.env.VIGIL_V8_DEFAULTS === '1' ? [] : ['--lite-mode'];
  const child = spawn(process.execPath, [...flags, path.join(root, 'bin/vigil.mjs'), 'serve', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  let opened = false;
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    const m = /Vigil dashboard: (\S+)/.exec(d.toString());
    if (m && !opened) {
      opened = true;
      openBrowser(m[1]);
    }
  });
  child.on('error', (e) => {
    say(`cannot run the headless host: ${e.message}`);
    process.exit(1);
  });
  forwardSignals(child);
}

function main() {
  const args = process.argv.slice(2);
  const headless = args.includes('--headless');
  const rest = args.filter((a) => a !== '--headless');
  if (needsBuild()) build();
  if (headless) return serve(rest);
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    say('no display (DISPLAY/WAYLAND_DISPLAY unset): starting the headless host instead');
    return serve(rest);
  }
  const bin = electronBinary();
  if (bin.error) {
    say(`Electron is not available (${bin.error}): starting the headless host instead`);
    return serve(rest);
  }
  const child = spawn(bin.path, [root], { cwd: root, stdio: 'inherit' });
  child.on('error', (e) => {
    say(`Electron did not start (${e.message}): starting the headless host instead`);
    serve(rest);
  });
  forwardSignals(child);
}

try {
  main();
} catch (e) {
  say(`unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
