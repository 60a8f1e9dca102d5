// Writes a Vigil config file from a llama-swap one, so the user can leave the
// llama-swap file behind. The output is the human form (strings, not ms), and
// its header — like the returned report — says for every key that did not
// carry over where it is in the source and why.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, stringify, type Document } from 'yaml';
import type { ConfigIssue } from '../../common/state.js';
import { convertLlamaSwap, isLlamaSwap, type LlamaSwapNote } from './llama-swap.js';
import { parseConfigText } from './load-config.js';
import { locate } from './yaml-locate.js';

export interface ImportNote {
  file: string;
  line: number | null;
  /** The llama-swap key, dotted. */
  field: string;
  /** 'left-out': a model that is not imported; 'ignored': a key with no meaning in Vigil; 'note': worth knowing. */
  kind: LlamaSwapNote['kind'];
  message: string;
}

export type ImportResult = { ok: true; dest: string; backends: string[]; notes: ImportNote[] } | { ok: false; issues: ConfigIssue[] };

const HEADINGS: Record<ImportNote['kind'], string> = {
  'left-out': 'Models not imported (llama-swap cannot start them as written):',
  ignored: 'Settings with no meaning in Vigil (left out):',
  note: 'Notes:',
};

/** The report as lines, grouped by kind (used for the file header and the CLI). */
export function importReport(notes: readonly ImportNote[]): string[] {
  const out: string[] = [];
  for (const kind of ['left-out', 'ignored', 'note'] as const) {
    const some = notes.filter((n) => n.kind === kind);
    if (!some.length) continue;
    out.push(HEADINGS[kind]);
    for (const n of some) out.push(`  ${n.line ? `line ${n.line}: ` : ''}${n.field}: ${n.message}`);
  }
  return out;
}

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

  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const raw = doc.toJS() as Record<string, unknown>;
  if (!isLlamaSwap(raw)) return fail(srcPath, 'not a llama-swap config');
  const conv = convertLlamaSwap(raw);
  const notes: ImportNote[] = conv.notes.map((n) => ({
    file: srcPath,
    line: locate(doc as Document, lc, n.path)?.line ?? null,
    field: n.path.join('.'),
    kind: n.kind,
    message: n.message,
  }));
  if (Object.keys(checked.config.backends).length === 0) {
    const why = notes.filter((n) => n.kind === 'left-out');
    return {
      ok: false,
      issues: why.length
        ? why.map((n) => ({ file: n.file, line: n.line, column: null, field: n.field, message: n.message }))
        : [{ file: srcPath, line: null, column: null, field: 'models', message: 'no models to import' }],
    };
  }
  if (existsSync(destPath) && !opts.overwrite) return fail(destPath, 'destination exists; refusing to overwrite it');

  const header = [`Imported by Vigil from ${srcPath} on ${new Date().toISOString()}.`, ...importReport(notes)].map((l) => `# ${l}`.trimEnd()).join('\n');
  await mkdir(path.dirname(destPath), { recursive: true });
  await writeFile(destPath, `${header}\n\n${stringify({ version: 1, ...conv.config }, { lineWidth: 0 })}`);
  return { ok: true, dest: destPath, backends: Object.keys(checked.config.backends), notes };
}
