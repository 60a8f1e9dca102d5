// The renderer bundle: what `npm run build` ships in out/renderer (raw and
// gzip), and what dominates it. The breakdown comes from esbuild bundling
// the same entry minified with a metafile (rolldown has no per-module
// report); its total is shown beside the shipped one so the two can be compared.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { table } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KiB = 1024;
const kib = (n: number): string => (n / KiB).toFixed(1);

/** A package name (with the zod locales apart: they are a large share on their own), or the app folder. */
function owner(file: string): string {
  const i = file.lastIndexOf('node_modules/');
  if (i < 0) return file.split('/').slice(0, 2).join('/');
  const parts = file.slice(i + 'node_modules/'.length).split('/');
  const pkg = parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  return pkg === 'zod' && parts.includes('locales') ? 'zod (locales)' : pkg;
}

export default async function (): Promise<string> {
  const assets = path.join(root, 'out/renderer/assets');
  const shipped = existsSync(assets)
    ? readdirSync(assets).map((f) => {
        const buf = readFileSync(path.join(assets, f));
        return [f, kib(statSync(path.join(assets, f)).size), kib(gzipSync(buf).length)];
      })
    : [];
  const r = await build({
    entryPoints: [path.join(root, 'renderer/main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.svg': 'file' },
    outdir: path.join(root, 'out/bundle-bench'),
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const js = Object.values(r.metafile.outputs).find((o) => o.entryPoint)!;
  const by = new Map<string, number>();
  for (const [f, v] of Object.entries(js.inputs)) by.set(owner(f), (by.get(owner(f)) ?? 0) + v.bytesInOutput);
  const total = [...by.values()].reduce((a, b) => a + b, 0);
  const rows = [...by.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, kib(v), `${((100 * v) / total).toFixed(1)} %`]);
  return [
    shipped.length ? `Shipped by \`npm run build\` (out/renderer/assets):` : 'out/renderer is not built (npm run build): only the breakdown below.',
    '',
    ...(shipped.length ? [table(['file', 'KiB', 'gzip KiB'], shipped), ''] : []),
    `What the JavaScript is made of, from esbuild bundling renderer/main.tsx minified (${kib(total)} KiB in all):`,
    '',
    table(['package or folder', 'KiB minified', 'share'], rows),
  ].join('\n');
}
