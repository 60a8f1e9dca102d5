// Reads a llama-swap config (top-level `models:`) as Vigil backends, doing to
// it what llama-swap does before it starts a model: `${env.NAME}` from the
// environment, `#` lines of cmd/cmdStop dropped, macros (global, the model's
// own, `${MODEL_ID}`), `${PORT}` allocated from startPort in model-ID order,
// and cmd split by llama-swap's own splitter. The result starts the same
// processes with the same environment. Every other key is reported with what
// it became or why it has no meaning in Vigil; a model llama-swap itself
// cannot start is left out with llama-swap's reason.
import { BackendId } from '../../common/api.js';
import { stripCommentLines } from './llama-swap/command-text.js';
import { MODEL_MAPPED, TOP_IGNORED, TOP_MAPPED, UNKNOWN_KEY } from './llama-swap/keys.js';
import { goValue, isObj, leftovers, modelMacros, readMacros, substituteEnv, substituteMacros, type Found, type MacroEntry, type Seg } from './llama-swap/macros.js';
import { convertModel, type Note } from './llama-swap/model.js';

type Obj = Record<string, unknown>;

export type LlamaSwapProblem = Found;
export type LlamaSwapNote = Note;

export interface LlamaSwapConversion {
  /** Vigil config input (before the schema), e.g. `{ backends: { … } }`. */
  config: Obj;
  /** One line per key that did not carry over (and per model left out), with why. */
  ignored: string[];
  /** The same, with llama-swap paths so a report can give their lines. */
  notes: LlamaSwapNote[];
  /** Errors: the file cannot be imported until they are fixed. */
  problems: LlamaSwapProblem[];
  /** Maps a path in `config` back to the llama-swap path it came from. */
  sourcePath(path: readonly Seg[]): Seg[];
}

/** True when the parsed YAML looks like a llama-swap file rather than a Vigil one. */
export function isLlamaSwap(doc: unknown): boolean {
  return isObj(doc) && isObj(doc.models) && !('backends' in doc);
}

const dotted = (p: readonly Seg[]) => p.join('.');
/** Go's sort.Strings order (bytes), which decides who gets which ${PORT}. */
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function toId(name: string, taken: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'model';
  if (!BackendId.safeParse(id).success) id = 'model';
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}-${n}`;
  taken.add(unique);
  return unique;
}

/** YAML `<<` merge keys, which llama-swap's YAML reader applies (own keys win, then the first merged map). */
function resolveMergeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resolveMergeKeys);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (k !== '<<') out[k] = resolveMergeKeys(x);
  if ('<<' in v) {
    const merged = v['<<'];
    const sources = (Array.isArray(merged) ? merged : [merged]).filter(isObj);
    if (!sources.length) out['<<'] = merged;
    for (const src of sources) for (const [k, x] of Object.entries(resolveMergeKeys(src) as Obj)) if (!(k in out)) out[k] = x;
  }
  return out;
}

/** Notes for unknown macros left in values Vigil does not use: llama-swap would refuse the file for them. */
function macroNotes(v: unknown, path: Seg[], out: Note[]): void {
  if (typeof v === 'string') {
    for (const n of leftovers(v).macros.filter((x) => x !== 'PID')) {
      out.push({ path, kind: 'note', message: `unknown macro '\${${n}}': llama-swap refuses the file for this; Vigil does not use this value` });
    }
  } else if (Array.isArray(v)) v.forEach((x, i) => macroNotes(x, [...path, i], out));
  else if (isObj(v)) for (const [k, x] of Object.entries(v)) macroNotes(x, [...path, k], out);
}

export function convertLlamaSwap(doc: Obj, env: NodeJS.ProcessEnv = process.env): LlamaSwapConversion {
  const problems: Found[] = [];
  const notes: Note[] = [];
  const envd = substituteEnv(resolveMergeKeys(doc), env);
  const root = envd.value as Obj;
  const models = isObj(root.models) ? root.models : {};

  const global = readMacros(root.macros, ['macros']);
  problems.push(...global.problems);
  const ownMacros = new Map<string, MacroEntry[]>();
  for (const [id, raw] of Object.entries(models)) {
    if (!isObj(raw)) continue;
    const own = readMacros(raw.macros, ['models', id, 'macros']);
    problems.push(...own.problems);
    ownMacros.set(id, own.entries);
  }
  const allMacros = [...global.entries, ...[...ownMacros.values()].flat()];
  const envWhy = (name: string) => {
    const why = envd.unresolved.find((u) => u.name === name)?.why ?? `environment variable '${name}' is not set`;
    const via = allMacros.find((e) => typeof e.value === 'string' && e.value.includes(`\${env.${name}}`));
    return via ? `${why} (through macro '${via.name}')` : why;
  };
  for (const e of envd.escaped) {
    notes.push({
      path: e.path,
      kind: 'note',
      message: `the value of environment variable '${e.name}' has \\ or ": llama-swap escapes those for YAML, so outside "…" its value keeps the added backslashes; Vigil uses the value as it is`,
    });
  }

  // Top-level values see the global macros.
  const top: Obj = {};
  for (const [k, v] of Object.entries(root)) if (k !== 'models' && k !== 'macros') top[k] = substituteMacros(v, global.entries);
  const wholeSeconds = (key: string, dflt: number): number => {
    const v = top[key];
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    problems.push({ path: [key], message: `${key} must be a whole number, got ${JSON.stringify(v)}` });
    return dflt;
  };
  const startupTimeoutS = Math.max(15, wholeSeconds('healthCheckTimeout', 120));
  const startPort = wholeSeconds('startPort', 5800);
  if (startPort < 1) problems.push({ path: ['startPort'], message: 'startPort must be greater than 1' });
  let globalUnloadTimeoutS = wholeSeconds('unloadTimeout', 10);
  if (globalUnloadTimeoutS < 0) problems.push({ path: ['unloadTimeout'], message: 'unloadTimeout must be >= 0' });
  if (globalUnloadTimeoutS <= 0) globalUnloadTimeoutS = 10;

  // Each model as llama-swap prepares it: macros detached, comment lines
  // dropped before any macro can expand inside one, the default proxy added,
  // macros substituted, then ${PORT} in model-ID order.
  const resolved = new Map<string, Obj>();
  const ports = new Map<string, number>();
  const aliasOf = new Map<string, string>();
  for (const id of Object.keys(models).sort(byteOrder)) {
    const raw = models[id];
    if (!isObj(raw)) continue;
    const m: Obj = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k === 'macros') continue;
      m[k] = (k === 'cmd' || k === 'cmdStop') && typeof v === 'string' ? stripCommentLines(v) : v;
    }
    if (m.proxy === undefined || m.proxy === null) m.proxy = 'http://localhost:${PORT}';
    const macros = modelMacros(id, global.entries, ownMacros.get(id) ?? []);
    let r = substituteMacros(m, macros) as Obj;
    // PORT comes after every other macro (it is substituted last).
    const keyMacros = [...macros];
    if (typeof r.cmd === 'string' && r.cmd.includes('${PORT}')) {
      const port = [{ name: 'PORT', value: startPort + ports.size }];
      ports.set(id, startPort + ports.size);
      keyMacros.unshift(...port);
      // Vigil fills ${PORT} in cmd and cmdStop itself, with this same port.
      r = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, k === 'cmd' || k === 'cmdStop' ? v : substituteMacros(v, port)]));
    }
    resolved.set(id, r);
    // Names preload may use: explicit aliases and setParamsByID keys (macros apply to those keys).
    const names = Array.isArray(r.aliases) ? r.aliases.map(String) : [];
    const byId = isObj(r.filters) && isObj(r.filters.setParamsByID) ? Object.keys(r.filters.setParamsByID) : [];
    for (const key of byId) names.push(keyMacros.reduceRight((s, e) => s.split(`\${${e.name}}`).join(goValue(e.value)), key));
    for (const n of names) if (!aliasOf.has(n)) aliasOf.set(n, id);
  }

  // llama-swap starts a model on its first request; only preloaded ones at once.
  const preload = new Set<string>();
  for (const k of Object.keys(root)) {
    if (k in TOP_MAPPED) continue;
    notes.push({ path: [k], kind: 'ignored', message: TOP_IGNORED[k] ?? UNKNOWN_KEY });
    macroNotes(top[k], [k], notes);
  }
  if (isObj(top.hooks)) {
    for (const [k, v] of Object.entries(top.hooks)) {
      if (k !== 'on_startup' || !isObj(v)) {
        notes.push({ path: ['hooks', k], kind: 'ignored', message: UNKNOWN_KEY });
        continue;
      }
      for (const [hk, hv] of Object.entries(v)) {
        if (hk !== 'preload' || !Array.isArray(hv)) {
          notes.push({ path: ['hooks', k, hk], kind: 'ignored', message: UNKNOWN_KEY });
          continue;
        }
        hv.forEach((e, i) => {
          const name = String(e).trim();
          if (!name) return;
          const real = isObj(models[name]) ? name : aliasOf.get(name);
          if (real) preload.add(real);
          else notes.push({ path: ['hooks', k, hk, i], kind: 'note', message: `'${name}' is neither a model nor an alias; llama-swap skips it too` });
        });
      }
    }
  }

  const backends: Obj = {};
  const sources = new Map<string, (rest: readonly Seg[]) => Seg[]>();
  const taken = new Set<string>();
  for (const [id, raw] of Object.entries(models)) {
    if (!isObj(raw)) {
      notes.push({ path: ['models', id], kind: 'left-out', message: 'a model must be a mapping with at least cmd:' });
      continue;
    }
    const model = resolved.get(id)!;
    const proxyGiven = raw.proxy !== undefined && raw.proxy !== null;
    const out = convertModel({ id, model, proxyGiven, port: ports.get(id) ?? null, startupTimeoutS, globalUnloadTimeoutS, autostart: preload.has(id), envWhy });
    problems.push(...out.problems);
    notes.push(...out.notes);
    if (!out.backend) continue;
    for (const k of Object.keys(model)) if (!(k in MODEL_MAPPED)) macroNotes(model[k], ['models', id, k], notes);
    const bid = toId(id, taken);
    backends[bid] = id !== bid && out.backend.name === undefined ? { name: id, ...out.backend } : out.backend;
    sources.set(bid, out.source);
  }

  // An unset variable is an error where Vigil needs the value; anywhere else
  // (a comment line of cmd, apiKeys, an unused macro) it is worth a note.
  const noted = new Set<string>();
  for (const u of envd.unresolved) {
    const key = `${dotted(u.path)}\0${u.name}`;
    if (noted.has(key) || problems.some((p) => p.message.includes(`'${u.name}'`))) continue;
    noted.add(key);
    notes.push({ path: u.path, kind: 'note', message: `${u.why}: llama-swap refuses the file for this; Vigil does not need this value` });
  }

  const sourcePath = (path: readonly Seg[]): Seg[] => {
    if (path[0] !== 'backends' || path.length < 2) return [...path];
    return sources.get(String(path[1]))?.(path.slice(2)) ?? [...path];
  };
  const ignored = notes.map((n) => `${dotted(n.path)}: ${n.kind === 'left-out' ? 'model not imported: ' : ''}${n.message}`);
  return { config: { backends }, ignored, notes, problems, sourcePath };
}
