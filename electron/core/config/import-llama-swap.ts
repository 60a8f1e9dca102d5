// Writes a Vigil config file from a llama-swap one, so the user can leave the
// llama-swap file behind. The output is the human form (strings, not ms).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { ConfigIssue } from '../../common/state.js';
import { convertLlamaSwap, isLlamaSwap } from './llama-swap.js';
import { parseConfigText } from './load-config.js';

export type ImportResult = { ok: true; dest: string; backends: string[]; ignored: string[] } | { ok: false; issues: ConfigIssue[] };

export async function importLlamaSwap(srcPath: string, destPath: string, opts: { overwrite?: boolean } = {}): Promise<ImportResult> {
  const fail = (file: string, message: string): ImportResult => ({ ok: false, issues: [{ file, line: null, column: null, field: null, message }] });
  let text: string;
  try {
    text = await readFile(srcPath, 'utf8');
  } catch (e) {
    return fail(srcPath, `cannot read llama-swap config: ${(e as Error).message}`);
  }
  // Validate through the same path as loading, so the written file is known good.
  const checked = parseConfigText(text, srcPath);
  if (!checked.ok) return { ok: false, issues: checked.issues };
  if (checked.format !== 'llama-swap') return fail(srcPath, 'not a llama-swap config (no top-level models: map)');
  if (existsSync(destPath) && !opts.overwrite) return fail(destPath, 'destination exists; refusing to overwrite it');

  const raw = parse(text) as Record<string, unknown>;
  if (!isLlamaSwap(raw)) return fail(srcPath, 'not a llama-swap config');
  const conv = convertLlamaSwap(raw);
  const header = [
    `# Imported by Vigil from ${srcPath} on ${new Date().toISOString()}.`,
    ...(conv.ignored.length ? ['# These llama-swap settings have no meaning in Vigil and were left out:', ...conv.ignored.map((k) => `#   ${k}`)] : []),
    '',
  ].join('\n');
  await mkdir(path.dirname(destPath), { recursive: true });
  await writeFile(destPath, header + stringify({ version: 1, ...conv.config }, { lineWidth: 0 }));
  return { ok: true, dest: destPath, backends: Object.keys(checked.config.backends), ignored: conv.ignored };
}
