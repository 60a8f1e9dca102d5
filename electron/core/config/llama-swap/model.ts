// One llama-swap model (already through env macros, comment stripping and
// macros) → one Vigil backend: the argv and environment llama-swap would
// start it with, the port it would reach it on, the stop command and times.
import { sanitizeCommand } from './command-text.js';
import { MODEL_IGNORED, MODEL_MAPPED, UNKNOWN_KEY } from './keys.js';
import { leftovers, type Found, type Seg } from './macros.js';

export interface Note {
  path: Seg[];
  kind: 'ignored' | 'left-out' | 'note';
  message: string;
}

export interface ModelInput {
  /** llama-swap's model ID. */
  id: string;
  /** The model after env macros, comment stripping and macros; `${PORT}` is substituted except in cmd and cmdStop. */
  model: Record<string, unknown>;
  /** False when proxy is llama-swap's default, http://localhost:${PORT}. */
  proxyGiven: boolean;
  /** The port llama-swap allocates for `${PORT}`, or null when cmd does not use it. */
  port: number | null;
  startupTimeoutS: number;
  globalUnloadTimeoutS: number;
  autostart: boolean;
  /** Why an `${env.NAME}` left in a value was not replaced. */
  envWhy: (name: string) => string;
}

export interface ModelOutput {
  backend: Record<string, unknown> | null;
  problems: Found[];
  notes: Note[];
  /** Vigil path under the backend (first segment) → llama-swap path, for the schema's messages. */
  source: (rest: readonly Seg[]) => Seg[];
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '0.0.0.0']);

/** Go's singleJoiningSlash, as its reverse proxy joins the proxy's path and the health request's. */
function joinPath(a: string, b: string): string {
  const as = a.endsWith('/');
  const bs = b.startsWith('/');
  if (as && bs) return a + b.slice(1);
  if (!as && !bs) return `${a}/${b}`;
  return a + b;
}

/** The path and query llama-swap's health request carries for `checkEndpoint`. */
function endpointPath(ep: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ep)) {
    try {
      const u = new URL(ep);
      return u.pathname + u.search;
    } catch {
      // Not a URL after all: used as a path, as llama-swap would try it.
    }
  }
  return ep.split('#')[0]!;
}

export function convertModel(m: ModelInput): ModelOutput {
  const { id, model } = m;
  const at = (...p: Seg[]): Seg[] => ['models', id, ...p];
  const problems: Found[] = [];
  const notes: Note[] = [];
  const leaveOut = (path: Seg[], message: string): ModelOutput => ({
    backend: null,
    problems,
    notes: [...notes.filter((n) => n.kind !== 'ignored'), { path, kind: 'left-out', message }],
    source: () => at(),
  });

  // Every `${…}` still in a value Vigil uses is an error, as it is for llama-swap.
  const checkRefs = (s: string, field: string, path: Seg[]) => {
    const left = leftovers(s);
    for (const name of left.env) problems.push({ path, message: m.envWhy(name) });
    for (const name of left.macros) {
      if (name === 'PID' && field === 'cmdStop') continue;
      if (name === 'PORT' && m.port !== null && (field === 'cmd' || field === 'cmdStop')) continue;
      const why =
        name === 'PORT'
          ? "${PORT} is only available when cmd uses it"
          : name === 'PID'
            ? '${PID} is only available in cmdStop'
            : `unknown macro '\${${name}}' (define it under macros:)`;
      problems.push({ path, message: why });
    }
  };

  for (const k of Object.keys(model)) {
    if (k in MODEL_MAPPED) continue;
    notes.push({ path: at(k), kind: 'ignored', message: MODEL_IGNORED[k] ?? UNKNOWN_KEY });
  }

  const cmdText = model.cmd;
  if (typeof cmdText !== 'string' && typeof cmdText !== 'number') return leaveOut(at('cmd'), 'no cmd: llama-swap has nothing to start');
  checkRefs(String(cmdText), 'cmd', at('cmd'));
  const argv = sanitizeCommand(String(cmdText));
  if (!argv) return leaveOut(at('cmd'), 'cmd is empty once its comment lines are dropped (llama-swap cannot start it: empty command)');

  let stopArgv: string[] | null = null;
  if (model.cmdStop !== undefined && model.cmdStop !== null) {
    checkRefs(String(model.cmdStop), 'cmdStop', at('cmdStop'));
    // An empty cmdStop is llama-swap's default: SIGTERM, as Vigil's default.
    stopArgv = sanitizeCommand(String(model.cmdStop));
  }

  const proxy = String(model.proxy ?? '');
  if (proxy.includes('${PORT}')) {
    return m.proxyGiven
      ? leaveOut(at('proxy'), 'proxy uses ${PORT} but cmd does not - ${PORT} is only available when used in cmd (llama-swap refuses it)')
      : leaveOut(at('cmd'), 'cmd has no ${PORT} and there is no proxy: port unknown (llama-swap refuses it: its default proxy uses ${PORT})');
  }
  checkRefs(proxy, 'proxy', at('proxy'));
  let port = m.port;
  let url: URL | null;
  try {
    url = new URL(proxy);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    return leaveOut(at('proxy'), `proxy ${JSON.stringify(proxy)} is not an http(s) URL, so there is no port to reach the model on`);
  }
  const proxyPath = url.pathname;
  const urlPort = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (port === null) port = urlPort;
  else if (urlPort !== port) {
    notes.push({ path: at('proxy'), kind: 'note', message: `llama-swap sends requests and its health check to port ${urlPort}, but cmd listens on \${PORT} = ${port}; Vigil probes ${port}` });
  }
  if (!LOCAL_HOSTS.has(url.hostname)) {
    notes.push({ path: at('proxy'), kind: 'note', message: `llama-swap reaches this model at ${url.hostname}; Vigil probes 127.0.0.1:${port}` });
  }
  if (url.protocol === 'https:') notes.push({ path: at('proxy'), kind: 'note', message: "Vigil's health probe speaks plain HTTP; this proxy is https" });

  const health: Record<string, unknown> = { startupTimeout: `${m.startupTimeoutS}s` };
  const ep = model.checkEndpoint === undefined || model.checkEndpoint === null ? '/health' : String(model.checkEndpoint).trim();
  checkRefs(ep, 'checkEndpoint', at('checkEndpoint'));
  health.path = ep === 'none' ? null : joinPath(proxyPath, endpointPath(ep));

  const env: Record<string, string> = {};
  const envIndex = new Map<string, number>();
  if (model.env !== undefined && model.env !== null) {
    if (!Array.isArray(model.env)) problems.push({ path: at('env'), message: 'env must be a list of KEY=VALUE strings' });
    else
      model.env.forEach((e, i) => {
        const s = String(e);
        checkRefs(s, 'env', at('env', i));
        const eq = s.indexOf('=');
        if (eq <= 0) problems.push({ path: at('env', i), message: `env entry ${JSON.stringify(s)} is not KEY=VALUE` });
        else {
          env[s.slice(0, eq)] = s.slice(eq + 1);
          envIndex.set(s.slice(0, eq), i);
        }
      });
  }

  let grace = m.globalUnloadTimeoutS;
  if (model.unloadTimeout !== undefined && model.unloadTimeout !== null) {
    const t = Number(model.unloadTimeout);
    if (!Number.isInteger(t) || t < 0) problems.push({ path: at('unloadTimeout'), message: `invalid unloadTimeout value ${JSON.stringify(model.unloadTimeout)}: a whole number of seconds ≥ 0` });
    else if (t > 0) grace = t;
  }

  const b: Record<string, unknown> = {};
  if (model.name !== undefined && model.name !== null && String(model.name) !== '') {
    checkRefs(String(model.name), 'name', at('name'));
    b.name = String(model.name);
  }
  b.cmd = argv;
  if (Object.keys(env).length) b.env = env;
  b.port = port;
  b.health = health;
  b.stop = { grace: `${grace}s`, ...(stopArgv ? { cmd: stopArgv } : {}) };
  b.autostart = m.autostart;

  const source = (rest: readonly Seg[]): Seg[] => {
    const [head, sub] = rest;
    if (head === 'cmd') return at('cmd');
    if (head === 'port') return m.port !== null ? at('cmd') : at('proxy');
    if (head === 'health') return sub === 'startupTimeout' ? ['healthCheckTimeout'] : at(model.checkEndpoint === undefined ? 'proxy' : 'checkEndpoint');
    if (head === 'stop') return sub === 'cmd' ? at('cmdStop') : model.unloadTimeout !== undefined ? at('unloadTimeout') : ['unloadTimeout'];
    if (head === 'env') return typeof sub === 'string' && envIndex.has(sub) ? at('env', envIndex.get(sub)!) : at('env');
    if (head === 'name') return at('name');
    return at();
  };
  return { backend: b, problems, notes, source };
}
