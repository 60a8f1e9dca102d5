// Reads the config file: YAML → (llama-swap import) → zod schema → argv
// splitting. Every problem comes back as a ConfigIssue with file, line,
// column and field; nothing here throws on bad input.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigFileSchema, type BackendConfig, type VigilConfig } from '../../common/config-schema.js';
import type { ConfigIssue } from '../../common/state.js';
import { readConfigText } from './config-text.js';
import { EXAMPLE_CONFIG } from './example-config.js';
import { convertLlamaSwap, isLlamaSwap } from './llama-swap.js';
import { CommandSplitError, splitCommand } from './split-command.js';
import { locate } from './yaml-locate.js';

export type ConfigFormat = 'vigil' | 'llama-swap';
export type ConfigLoadResult =
  | { ok: true; config: VigilConfig; format: ConfigFormat; ignored: string[]; created: boolean }
  | { ok: false; issues: ConfigIssue[]; format: ConfigFormat | null };

type Seg = string | number;
const dotted = (p: readonly Seg[]) => (p.length ? p.join('.') : null);

/** Creates the directory and the commented example when the file is absent. */
export async function ensureConfig(file: string): Promise<{ created: boolean }> {
  if (existsSync(file)) return { created: false };
  await mkdir(path.dirname(file), { recursive: true });
  try {
    // 'wx': never clobber a file another process created meanwhile.
    await writeFile(file, EXAMPLE_CONFIG, { flag: 'wx' });
    return { created: true };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return { created: false };
    throw e;
  }
}

/** Loads `file`; with `create`, writes the example first when it is absent. */
export async function loadConfig(file: string, opts: { create?: boolean } = {}): Promise<ConfigLoadResult> {
  let created = false;
  if (opts.create) {
    try {
      created = (await ensureConfig(file)).created;
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      return { ok: false, format: null, issues: [{ file, line: null, column: null, field: null, message: `cannot create the example config: ${err.code ?? err.message}` }] };
    }
  }
  const read = await readConfigText(file);
  if ('issue' in read) return { ok: false, format: null, issues: [read.issue] };
  const r = parseConfigText(read.text, file);
  return r.ok ? { ...r, created } : r;
}

/** Parses config text; `file` is used for messages and to resolve relative `cwd`. */
export function parseConfigText(text: string, file: string): ConfigLoadResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, keepSourceTokens: true, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      format: null,
      issues: doc.errors.map((e) => ({
        file,
        line: e.linePos?.[0].line ?? null,
        column: e.linePos?.[0].col ?? null,
        field: null,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, format: null, issues: [{ file, line: 1, column: 1, field: null, message: 'the config must be a mapping (backends: …)' }] };
  }

  let input: unknown = raw;
  let format: ConfigFormat = 'vigil';
  let ignored: string[] = [];
  let toSource = (p: readonly Seg[]): Seg[] => [...p];
  const issues: ConfigIssue[] = [];
  const issueAt = (p: readonly Seg[], message: string, atKey = false, fieldPath: readonly Seg[] = p) => {
    const src = toSource(p);
    const loc = locate(doc as Document, lc, src, atKey);
    issues.push({ file, line: loc?.line ?? null, column: loc?.column ?? null, field: dotted(fieldPath), message });
  };

  if (isLlamaSwap(raw)) {
    format = 'llama-swap';
    const conv = convertLlamaSwap(raw as Record<string, unknown>);
    input = conv.config;
    ignored = conv.ignored;
    toSource = conv.sourcePath;
    // Problems already carry llama-swap paths.
    for (const p of conv.problems) {
      const loc = locate(doc as Document, lc, p.path);
      issues.push({ file, line: loc?.line ?? null, column: loc?.column ?? null, field: dotted(p.path), message: p.message });
    }
  }

  const parsed = ConfigFileSchema.safeParse(input);
  if (!parsed.success) {
    for (const zi of parsed.error.issues) mapZodIssue(zi, issueAt, doc as Document, lc, toSource);
  }
  if (!parsed.success || issues.length) return { ok: false, format, issues };

  /** A command as argv: a string is split like a shell would (without running one). Null after reporting why not. */
  const argv = (c: string | string[], at: readonly Seg[]): string[] | null => {
    let out: string[];
    try {
      out = typeof c === 'string' ? splitCommand(c) : c;
    } catch (e) {
      if (!(e instanceof CommandSplitError)) throw e;
      issueAt(at, e.message);
      return null;
    }
    if (out.length === 0) issueAt(at, 'cmd is empty');
    return out.length === 0 ? null : out;
  };
  const backends: Record<string, BackendConfig> = {};
  for (const [id, b] of Object.entries(parsed.data.backends)) {
    const cmd = argv(b.cmd, ['backends', id, 'cmd']);
    const stopCmd = b.stop.cmd === null ? null : argv(b.stop.cmd, ['backends', id, 'stop', 'cmd']);
    if (cmd === null || (b.stop.cmd !== null && stopCmd === null)) continue;
    backends[id] = { ...b, id, cmd, stop: { ...b.stop, cmd: stopCmd }, cwd: b.cwd === null ? null : resolveCwd(b.cwd, file) };
  }
  if (issues.length) return { ok: false, format, issues };
  return { ok: true, config: { ...parsed.data, backends }, format, ignored, created: false };
}

function resolveCwd(cwd: string, file: string): string {
  if (cwd === '~' || cwd.startsWith('~/')) return path.join(os.homedir(), cwd.slice(1));
  return path.resolve(path.dirname(file), cwd);
}

function mapZodIssue(
  zi: z.core.$ZodIssue,
  issueAt: (p: readonly Seg[], message: string, atKey?: boolean, fieldPath?: readonly Seg[]) => void,
  doc: Document,
  lc: LineCounter,
  toSource: (p: readonly Seg[]) => Seg[],
) {
  const p = zi.path.map((s) => (typeof s === 'symbol' ? String(s) : s));
  if (zi.code === 'unrecognized_keys') {
    for (const k of zi.keys) issueAt([...p, k], `unknown field '${k}'${suggest(k, p)}`, true);
    return;
  }
  // A record-key problem (bad backend id) points at the key.
  const atKey = zi.code === 'invalid_key';
  const loc = locate(doc, lc, toSource(p));
  const missing = !atKey && zi.code !== 'custom' && loc !== null && loc.depth < toSource(p).length;
  const message = atKey
    ? `invalid backend id ${JSON.stringify(p[p.length - 1])}: letters, digits, . _ - (max 64)`
    : missing
      ? `missing required field '${String(p[p.length - 1])}'`
      : zi.message;
  issueAt(p, message, atKey);
}

const KNOWN: Record<string, string[]> = {
  backend: ['name', 'cmd', 'env', 'cwd', 'port', 'health', 'restart', 'stop', 'memoryLimit', 'autostart', 'keepRunningOnQuit'],
};
function suggest(key: string, parent: readonly Seg[]): string {
  if (parent.length !== 2 || parent[0] !== 'backends') return '';
  const near = KNOWN.backend!.find((k) => k.toLowerCase() === key.toLowerCase() || levenshtein(k.toLowerCase(), key.toLowerCase()) <= 2);
  return near ? ` (did you mean '${near}'?)` : '';
}
function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}
