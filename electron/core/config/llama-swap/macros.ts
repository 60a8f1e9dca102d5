// llama-swap's macro language, in llama-swap's order: `${env.NAME}` first
// (from the environment of the process that reads the file), then the
// declared macros — a model's own over the global ones, substituted from
// the last declared to the first so a macro may use any declared before it
// — with `${MODEL_ID}` last of all. A value that is exactly one macro takes
// the macro's type (a number stays a number); inside a longer string the
// macro's value is printed as Go's %v prints it.

export type Seg = string | number;
export interface Found {
  path: Seg[];
  message: string;
}
export interface MacroEntry {
  name: string;
  value: unknown;
}

export const MACRO_REF = /\$\{([a-zA-Z0-9_-]+)\}/g;
export const ENV_REF = /\$\{env\.([a-zA-Z_][a-zA-Z0-9_]*)\}/g;
export const RESERVED = new Set(['PID', 'PORT', 'MODEL_ID']);

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** How Go's fmt %v prints a YAML scalar (floats switch to exponent form outside 1e-4 ≤ |x| < 1e6). */
export function goValue(v: unknown): string {
  if (typeof v !== 'number' || Number.isInteger(v) || !Number.isFinite(v)) return String(v);
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 6) return String(v);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

export interface EnvResult {
  value: unknown;
  /** `${env.NAME}` left in place because NAME is unset or unusable. */
  unresolved: { path: Seg[]; name: string; why: string }[];
  /** Values with `\` or `"`, which llama-swap escapes for YAML (see envCaveat). */
  escaped: { path: Seg[]; name: string }[];
}

/**
 * Replaces `${env.NAME}` in every string and mapping key of the tree. A name
 * that is unset, or whose value has a line break or NUL (which llama-swap
 * refuses), stays as written and is listed, so the caller decides whether
 * the place it is in matters.
 */
export function substituteEnv(tree: unknown, env: NodeJS.ProcessEnv): EnvResult {
  const unresolved: EnvResult['unresolved'] = [];
  const escaped: EnvResult['escaped'] = [];
  const sub = (s: string, path: Seg[]): string =>
    s.replace(ENV_REF, (whole, name: string) => {
      const v = env[name];
      if (v === undefined) {
        unresolved.push({ path, name, why: `environment variable '${name}' is not set` });
        return whole;
      }
      if (/[\n\r\0]/.test(v)) {
        unresolved.push({ path, name, why: `environment variable '${name}' contains newlines or null bytes, which llama-swap does not allow` });
        return whole;
      }
      if (/[\\"]/.test(v)) escaped.push({ path, name });
      return v;
    });
  const walk = (v: unknown, path: Seg[]): unknown => {
    if (typeof v === 'string') return sub(v, path);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (isObj(v)) {
      const out: Obj = {};
      for (const [k, x] of Object.entries(v)) {
        const key = sub(k, path);
        out[key] = walk(x, [...path, key]);
      }
      return out;
    }
    return v;
  };
  return { value: walk(tree, []), unresolved, escaped };
}

/** Why llama-swap would refuse this macro declaration, or null. */
function macroError(name: string, value: unknown): string | null {
  if (Buffer.byteLength(name) >= 64) return `macro name '${name}' exceeds maximum length of 63 characters`;
  if (!/^[a-zA-Z0-9_-]+$/.test(name)) return `macro name '${name}' contains invalid characters, must match pattern ^[a-zA-Z0-9_-]+$`;
  if (typeof value === 'string') {
    if (value.includes(`\${${name}}`)) return `macro '${name}' contains self-reference`;
  } else if (typeof value !== 'number' && typeof value !== 'boolean') {
    return `macro '${name}' has invalid type, must be a scalar type (string, int, float, or bool)`;
  }
  if (RESERVED.has(name)) return `macro name '${name}' is reserved`;
  return null;
}

/** A `macros:` block in declaration order, with llama-swap's checks. */
export function readMacros(v: unknown, path: Seg[]): { entries: MacroEntry[]; problems: Found[] } {
  if (v === undefined || v === null) return { entries: [], problems: [] };
  if (!isObj(v)) return { entries: [], problems: [{ path, message: 'macros must be a mapping' }] };
  const entries: MacroEntry[] = [];
  const problems: Found[] = [];
  for (const [name, value] of Object.entries(v)) {
    const err = macroError(name, value);
    if (err) problems.push({ path: [...path, name], message: err });
    else entries.push({ name, value });
  }
  return { entries, problems };
}

/** MODEL_ID first, then the globals with the model's overrides in place, then the model's new ones. */
export function modelMacros(modelId: string, global: MacroEntry[], own: MacroEntry[]): MacroEntry[] {
  const merged: MacroEntry[] = [{ name: 'MODEL_ID', value: modelId }, ...global];
  for (const e of own) {
    const i = merged.findIndex((m) => m.name === e.name);
    if (i >= 0) merged[i] = e;
    else merged.push(e);
  }
  return merged;
}

function substituteOne(v: unknown, name: string, value: unknown): unknown {
  const slug = `\${${name}}`;
  if (typeof v === 'string') {
    if (v === slug) return value;
    return v.includes(slug) ? v.split(slug).join(goValue(value)) : v;
  }
  if (Array.isArray(v)) return v.map((x) => substituteOne(x, name, value));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substituteOne(x, name, value)]));
  return v;
}

/** Substitutes macros over a whole value tree (mapping keys are left alone), last declared first. */
export function substituteMacros(tree: unknown, macros: readonly MacroEntry[]): unknown {
  let out = tree;
  for (let i = macros.length - 1; i >= 0; i--) out = substituteOne(out, macros[i]!.name, macros[i]!.value);
  return out;
}

/** `${…}` references still in a string after substitution. */
export function leftovers(s: string): { macros: string[]; env: string[] } {
  return { macros: [...s.matchAll(MACRO_REF)].map((m) => m[1]!), env: [...s.matchAll(ENV_REF)].map((m) => m[1]!) };
}
