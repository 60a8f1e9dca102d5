// Runs every bench/*.bench.ts in sequence and writes BENCHMARKS.md.
//
// Convention for bench files: `export default async function (): Promise<string>`
// returning a markdown fragment (tables, notes; no top-level heading). Each
// file gets its own section, replaced in place on later runs, so
// `npm run bench -- process` refreshes only bench/process.bench.ts. A file
// that exports `onlyWhenNamed = true` (the half-hour soak) runs only when named.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const outFile = path.join(benchDir, '..', 'BENCHMARKS.md');

function machine(): string {
  const cpuinfo = (() => {
    try {
      return readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return '';
    }
  })();
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return [
    `- CPU: ${model.trim()} × ${os.cpus().length} cores (${os.arch()})`,
    `- RAM: ${gib} GiB`,
    `- Kernel: ${os.type()} ${os.release()}`,
    `- Node: ${process.version}`,
  ].join('\n');
}

const begin = (name: string): string => `<!-- bench:${name} -->`;
const end = (name: string): string => `<!-- /bench:${name} -->`;

/** Sections from an earlier BENCHMARKS.md, so a partial run keeps the others. */
function previousSections(): Map<string, string> {
  const sections = new Map<string, string>();
  if (!existsSync(outFile)) return sections;
  const text = readFileSync(outFile, 'utf8');
  for (const m of text.matchAll(/<!-- bench:([\w.-]+) -->\n([\s\S]*?)<!-- \/bench:\1 -->/g)) sections.set(m[1]!, m[2]!);
  return sections;
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const all = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts')).sort();
  const selected = all.filter((f) => filters.length === 0 || filters.some((x) => f === x || f.replace(/\.bench\.ts$/, '') === x));
  if (selected.length === 0) {
    console.error(`no bench file matches ${filters.join(', ')}; available: ${all.join(', ') || '(none)'}`);
    process.exitCode = 2;
    return;
  }
  const sections = previousSections();
  for (const file of selected) {
    const name = file.replace(/\.bench\.ts$/, '');
    console.log(`▶ ${file}`);
    const t0 = Date.now();
    try {
      const mod = (await import(pathToFileURL(path.join(benchDir, file)).href)) as { default?: unknown; onlyWhenNamed?: boolean };
      if (mod.onlyWhenNamed && filters.length === 0) {
        console.log(`  skipped: runs only when named (npm run bench -- ${name}); its last section is kept`);
        continue;
      }
      if (typeof mod.default !== 'function') throw new Error('no default-exported async function returning markdown');
      const md = await (mod.default as () => Promise<unknown>)();
      if (typeof md !== 'string') throw new Error(`default export returned ${typeof md}, expected a markdown string`);
      const stamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      sections.set(name, `## bench/${file}\n\n_Run ${stamp}, ${((Date.now() - t0) / 1000).toFixed(1)} s._\n\n${md.trim()}\n\n`);
      console.log(md);
    } catch (e) {
      console.error(`  ${file} failed: ${(e as Error).stack ?? String(e)}`);
      process.exitCode = 1;
    }
  }
  const body = [...sections.keys()].sort().map((n) => `${begin(n)}\n${sections.get(n)}${end(n)}`).join('\n\n');
  writeFileSync(outFile, `# Benchmarks\n\nWritten by \`npm run bench\` (bench/run.ts). Machine of the last run:\n\n${machine()}\n\n${body}\n`);
  console.log(`wrote ${outFile}`);
  // Bench files may leave signal listeners or handles behind; don't hang on them.
  process.exit(process.exitCode ?? 0);
}

await main();
