// Reads a llama-swap config (top-level `models:`) as Vigil backends. Fields
// with a Vigil meaning are mapped; everything else is reported in `ignored`
// so the user sees what did not carry over.
import { BackendId } from '../../common/api.js';

type Seg = string | number;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface LlamaSwapProblem {
  path: Seg[];
  message: string;
}

export interface LlamaSwapConversion {
  /** Vigil config input (before the schema), e.g. `{ backends: { … } }`. */
  config: Obj;
  ignored: string[];
  problems: LlamaSwapProblem[];
  /** Maps a path in `config` back to the llama-swap path it came from. */
  sourcePath(path: readonly Seg[]): Seg[];
}

/** True when the parsed YAML looks like a llama-swap file rather than a Vigil one. */
export function isLlamaSwap(doc: unknown): boolean {
  return isObj(doc) && isObj(doc.models) && !('backends' in doc);
}

// Model keys that carry over; every other key is listed as ignored.
const MAPPED = new Set(['cmd', 'proxy', 'checkEndpoint', 'env', 'macros', 'name']);
// Top-level keys handled here.
const TOP_MAPPED = new Set(['models', 'macros', 'healthCheckTimeout', 'hooks']);

function toId(name: string, taken: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'model';
  if (!BackendId.safeParse(id).success) id = 'model';
  let unique = id;
  for (let n = 2; taken.has(unique); n++) unique = `${id}-${n}`;
  taken.add(unique);
  return unique;
}

/** Expands llama-swap `${macro}` references; `${PORT}` stays for the supervisor. */
function expandMacros(s: string, macros: Record<string, string>, where: Seg[], problems: LlamaSwapProblem[]): string {
  let out = s;
  // Macros may reference macros; a few passes cover that without looping forever on a cycle.
  for (let pass = 0; pass < 5; pass++) {
    let changed = false;
    out = out.replace(/\$\{([A-Za-z0-9_.-]+)\}/g, (whole, name: string) => {
      if (name === 'PORT') return whole;
      const v = macros[name];
      if (v === undefined) return whole;
      changed = true;
      return v;
    });
    if (!changed) break;
  }
  for (const m of out.matchAll(/\$\{([A-Za-z0-9_.-]+)\}/g)) {
    if (m[1] !== 'PORT') problems.push({ path: where, message: `unknown macro \${${m[1]}} (define it under macros:)` });
  }
  return out;
}

function macroTable(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, val] of Object.entries(v)) out[k] = String(val);
  return out;
}

export function convertLlamaSwap(doc: Obj): LlamaSwapConversion {
  const ignored: string[] = [];
  const problems: LlamaSwapProblem[] = [];
  const backends: Obj = {};
  const idToName = new Map<string, string>();
  const taken = new Set<string>();
  const globalMacros = macroTable(doc.macros);
  const startupTimeout = typeof doc.healthCheckTimeout === 'number' ? `${doc.healthCheckTimeout}s` : undefined;

  // llama-swap starts models on demand; only `hooks.on_startup.preload` ones run at once.
  const preload = new Set<string>();
  if (isObj(doc.hooks)) {
    for (const [k, v] of Object.entries(doc.hooks)) {
      if (k === 'on_startup' && isObj(v)) {
        for (const [hk, hv] of Object.entries(v)) {
          if (hk === 'preload' && Array.isArray(hv)) hv.forEach((m) => preload.add(String(m)));
          else ignored.push(`hooks.on_startup.${hk}`);
        }
      } else ignored.push(`hooks.${k}`);
    }
  }
  for (const k of Object.keys(doc)) if (!TOP_MAPPED.has(k)) ignored.push(k);

  for (const [name, raw] of Object.entries(doc.models as Obj)) {
    const id = toId(name, taken);
    idToName.set(id, name);
    if (!isObj(raw)) {
      problems.push({ path: ['models', name], message: 'a model must be a mapping with at least cmd:' });
      continue;
    }
    const macros = { ...globalMacros, ...macroTable(raw.macros), MODEL_ID: name };
    const b: Obj = {};
    if (name !== id) b.name = name;
    if (typeof raw.name === 'string') b.name = raw.name;
    if (typeof raw.cmd === 'string') b.cmd = expandMacros(raw.cmd, macros, ['models', name, 'cmd'], problems);
    else b.cmd = raw.cmd; // let the schema say what is wrong
    if (raw.env !== undefined) {
      if (Array.isArray(raw.env)) {
        const env: Record<string, string> = {};
        raw.env.forEach((e, i) => {
          const s = String(e);
          const eq = s.indexOf('=');
          if (eq <= 0) problems.push({ path: ['models', name, 'env', i], message: `env entry ${JSON.stringify(s)} is not KEY=VALUE` });
          else env[s.slice(0, eq)] = expandMacros(s.slice(eq + 1), macros, ['models', name, 'env', i], problems);
        });
        b.env = env;
      } else b.env = raw.env;
    }
    // llama-swap's default proxy is http://localhost:${PORT}: an auto port.
    const proxy = typeof raw.proxy === 'string' ? expandMacros(raw.proxy, macros, ['models', name, 'proxy'], problems) : undefined;
    if (proxy !== undefined) {
      const m = /:(\d+|\$\{PORT\})(?:\/|$)/.exec(proxy.replace(/^[a-z]+:\/\//i, 'x://'));
      if (!m) problems.push({ path: ['models', name, 'proxy'], message: `cannot find a port in proxy ${JSON.stringify(proxy)}` });
      else b.port = m[1] === '${PORT}' ? 'auto' : Number(m[1]);
    }
    const health: Obj = {};
    if (raw.checkEndpoint !== undefined) health.path = raw.checkEndpoint === 'none' ? null : raw.checkEndpoint;
    if (startupTimeout) health.startupTimeout = startupTimeout;
    if (Object.keys(health).length) b.health = health;
    b.autostart = preload.has(name);
    for (const k of Object.keys(raw)) if (!MAPPED.has(k)) ignored.push(`models.${name}.${k}`);
    backends[id] = b;
  }

  const sourcePath = (path: readonly Seg[]): Seg[] => {
    if (path[0] !== 'backends' || path.length < 2) return [...path];
    const name = idToName.get(String(path[1])) ?? String(path[1]);
    const rest = path.slice(2);
    const head = ['models', name];
    if (rest[0] === 'port') return [...head, 'proxy'];
    if (rest[0] === 'health' && rest[1] === 'path') return [...head, 'checkEndpoint'];
    if (rest[0] === 'health' && rest[1] === 'startupTimeout') return ['healthCheckTimeout'];
    if (rest[0] === 'cmd' || rest[0] === 'env' || rest[0] === 'name') return [...head, ...rest];
    return head;
  };
  return { config: { backends }, ignored, problems, sourcePath };
}
