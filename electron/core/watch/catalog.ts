// The built-in catalog of LLM servers: which process is which server, from
// its executable and command line only (never from a word somewhere in its
// arguments: `grep ollama`, `vim ollama.conf` or `python train.py --name
// ollama` are not Ollama). Interpreted servers (vLLM, KoboldCpp from source,
// a script named like a server) are recognised by their script or `-m`
// module, the program the interpreter runs.
import path from 'node:path';
import { WATCH_KIND_LABELS, type WatchKind } from '../../common/watch.js';
import { isLlamaServerProgram, lastFlagValue } from '../llama/command-line.js';

export interface ProcessIdentity {
  /** /proc/<pid>/cmdline split at NULs (empty for kernel threads and zombies). */
  argv: readonly string[];
  /** /proc/<pid>/exe when readable: decides when argv[0] was rewritten (`exec -a`, setproctitle). */
  exe?: string | null;
}

/** Where the server's own API answers: health path and, where it lists them, its models. */
export interface HealthPlan {
  /** GET path; any HTTP answer below 500 means the server answers (503 means loading). null: no probe. */
  path: string | null;
  /** GET path whose JSON names the models (read far less often than `path`). */
  modelsPath: string | null;
}

export interface CatalogMatch {
  kind: WatchKind;
  label: string;
  /** The model the command line names, when it does. */
  model: string | null;
  /** Port the command line names (--port, --listen …); null when it names none. */
  port: number | null;
  /** The program's default port: a hint for choosing among its listening sockets, never a claim. */
  defaultPort: number | null;
  health: HealthPlan;
  /**
   * A short-lived helper of a server that is no alarm when it comes and goes
   * (Ollama's GPU-discovery runners): never listed.
   */
  transient: boolean;
}

// Launchers that start the server as a child (uv run, npx) are not listed: the child is.
const INTERPRETER = /^(python[\d.]*|pypy[\d.]*|node|nodejs|bun|deno)$/;
/** Interpreter options that take a value (so the value is not the script). */
const INTERPRETER_VALUE_OPTS = new Set(['-W', '-X', '-Q', '--require', '-r', '--import', '--loader', '--env-file', '--inspect-port']);

interface Program {
  /** Basename of the program that decides: the binary, or the script/module an interpreter runs. */
  name: string;
  /** Arguments after the program (after the script or module for interpreters). */
  args: readonly string[];
  /** Set when run as `python -m MODULE`. */
  module: string | null;
}

const base = (p: string): string => path.posix.basename(p);

/** The program that decides what a process is, looking through an interpreter to its script or module. */
export function programOf(id: ProcessIdentity): Program | null {
  // A process that rewrote its title into one string ('npm exec eslint test-support/lemond'): its words are its argv.
  const argv = id.argv.length === 1 && id.argv[0]!.includes(' ') ? id.argv[0]!.split(/ +/).filter(Boolean) : id.argv;
  if (argv.length === 0 || argv[0] === '') return null;
  const first = base(argv[0]!);
  if (!INTERPRETER.test(first)) return { name: first, args: argv.slice(1), module: null };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-m' && i + 1 < argv.length) return { name: argv[i + 1]!, args: argv.slice(i + 2), module: argv[i + 1]! };
    if (a === '-c' || a === '-e' || a === '--eval') return null; // inline code: nothing to recognise
    if (INTERPRETER_VALUE_OPTS.has(a)) {
      i++;
      continue;
    }
    if (a.startsWith('-')) continue;
    return { name: base(a).replace(/\.(py|pyz|mjs|cjs|js|ts)$/, ''), args: argv.slice(i + 1), module: null };
  }
  return null;
}

/** Value of the first of `names` (`--x V` or `--x=V`); null when absent. */
export function flagValue(args: readonly string[], ...names: string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const n of names) {
      if (a === n && i + 1 < args.length) return args[i + 1]!;
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return null;
}

/** llama.cpp's router mode: `--models-dir DIR` or `--models-preset INI` (its children are the servers). */
export function isRouterArgv(args: readonly string[]): boolean {
  return flagValue(args, '--models-dir') !== null || flagValue(args, '--models-preset') !== null;
}

/** A port number from '8080', ':8080', '0.0.0.0:8080', '[::]:8080'; null otherwise. */
export function portOf(v: string | null): number | null {
  if (v === null) return null;
  const m = /(?:^|:)(\d{1,5})$/.exec(v.trim());
  if (!m) return null;
  const n = Number(m[1]);
  return n >= 1 && n <= 65535 ? n : null;
}

/** First positional argument (not a flag, not a flag's value when `valueFlags` says it takes one). */
function positional(args: readonly string[], valueFlags: ReadonlySet<string>, skip = 0): string | null {
  let seen = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('-')) {
      if (!a.includes('=') && valueFlags.has(a)) i++;
      continue;
    }
    if (seen++ === skip) return a;
  }
  return null;
}

const match = (kind: WatchKind, health: HealthPlan, fields: Partial<Pick<CatalogMatch, 'model' | 'port' | 'defaultPort' | 'transient'>> = {}): CatalogMatch => ({
  kind,
  label: WATCH_KIND_LABELS[kind],
  model: fields.model ?? null,
  port: fields.port ?? null,
  defaultPort: fields.defaultPort ?? null,
  health,
  transient: fields.transient ?? false,
});

/** llama-server flags that make it print something and exit instead of serving. */
const LLAMA_QUERY_FLAGS = new Set(['--list-devices', '--version', '--help', '-h', '--usage', '--completion-bash', '--cache-list']);
const LLAMA_HEALTH: HealthPlan = { path: '/health', modelsPath: '/v1/models' };
// llama-server's own flags are read as llama.cpp reads them (llama/command-line.ts).
const llamaModel = (args: readonly string[]): string | null =>
  lastFlagValue(args, '-m', '--model') ?? lastFlagValue(args, '-hf', '-hfr', '--hf-repo') ?? lastFlagValue(args, '-mu', '--model-url');

// vLLM and KoboldCpp flags that take a value, so that their values are not taken for the positional model.
const VLLM_VALUE_FLAGS = new Set(['--host', '--port', '--model', '--tokenizer', '--served-model-name', '--dtype', '--max-model-len', '--tensor-parallel-size', '-tp', '--pipeline-parallel-size', '-pp', '--gpu-memory-utilization', '--quantization', '-q', '--api-key', '--config', '--download-dir', '--chat-template', '--max-num-seqs', '--kv-cache-dtype', '--uds', '--root-path']);
const KOBOLD_VALUE_FLAGS = new Set(['--model', '--port', '--host', '--threads', '--contextsize', '--gpulayers', '--usecublas', '--usevulkan', '--blasbatchsize', '--ropeconfig', '--tensor_split', '--config', '--mmproj', '--draftmodel', '--sdmodel', '--whispermodel', '--ttsmodel', '--embeddingsmodel', '--password', '--quantkv']);

/** What server this process is, or null when the catalog does not know it. */
export function classify(id: ProcessIdentity): CatalogMatch | null {
  const byArgv = classifyArgv(id.argv);
  if (byArgv || !id.exe || id.argv.length === 0) return byArgv;
  // argv[0] may be rewritten; the executable is not (an interpreter's exe says nothing more).
  const exe = id.exe.replace(/ \(deleted\)$/, '');
  if (INTERPRETER.test(base(exe)) || base(exe) === base(id.argv[0]!)) return null;
  return classifyArgv([exe, ...id.argv.slice(1)]);
}

function classifyArgv(argv: readonly string[]): CatalogMatch | null {
  const id = { argv };
  // Chromium/Electron helper processes (LM Studio's GUI renderers, zygotes…) serve nothing.
  if (id.argv.some((a) => a.startsWith('--type='))) return null;
  const prog = programOf(id);
  if (!prog) return null;
  const { name, args, module } = prog;

  if (isLlamaServerProgram(name)) {
    // Router mode: no model of its own; each model runs as a child llama-server it starts.
    if (isRouterArgv(args)) return match('llama-router', { path: '/health', modelsPath: null }, { port: portOf(lastFlagValue(args, '--port')), defaultPort: 8080 });
    // A query run that prints and exits (Ollama's GPU discovery runs `llama-server --list-devices`, ~30 ms): no server.
    const query = args.some((a) => LLAMA_QUERY_FLAGS.has(a));
    return match('llama-server', LLAMA_HEALTH, { model: llamaModel(args), port: portOf(lastFlagValue(args, '--port')), defaultPort: 8080, transient: query });
  }
  if (name === 'ollama') {
    const sub = args[0];
    if (sub === 'serve') return match('ollama', { path: '/api/version', modelsPath: '/api/ps' }, { defaultPort: 11434 });
    if (sub === 'runner') {
      const model = flagValue(args, '--model');
      // Ollama's device discovery starts `ollama runner [--ollama-engine] --port N` with no
      // model, asks it for its GPUs and kills it within seconds: no alarm when it goes.
      return match('ollama-runner', { path: '/health', modelsPath: null }, { model, port: portOf(flagValue(args, '--port')), transient: model === null });
    }
    return null; // run, pull, ps, list …: clients
  }
  if (name === 'ollama_llama_server') {
    // Older Ollama releases ran llama.cpp's server from a payload directory as the runner.
    return match('ollama-runner', { path: '/health', modelsPath: null }, { model: flagValue(args, '--model'), port: portOf(flagValue(args, '--port')) });
  }
  if (name === 'lemond' || name === 'lemonade-router') {
    return match('lemonade', { path: '/api/v1/health', modelsPath: '/api/v1/health' }, { port: portOf(flagValue(args, '--port')) });
  }
  if (name === 'lemonade-server' || name === 'lemonade-server-dev') {
    if (args[0] !== 'serve' && args[0] !== 'run') return null; // pull, list, status, stop …: clients
    return match('lemonade', { path: '/api/v1/health', modelsPath: '/api/v1/health' }, { port: portOf(flagValue(args, '--port')), defaultPort: 8000 });
  }
  if (/^llama-swap(?:po)?(?:[-_][\w.-]+)?$/.test(name)) {
    return match('llama-swap', { path: '/health', modelsPath: '/running' }, { port: portOf(flagValue(args, '-listen', '--listen')), defaultPort: 8080 });
  }
  if (name === 'llmster' || name === 'lm-studio' || name === 'LM Studio' || name === 'lmstudio' || /^LM[-_ ]Studio.*\.AppImage$/i.test(name)) {
    return match('lm-studio', { path: '/v1/models', modelsPath: '/api/v0/models' }, { defaultPort: 1234 });
  }
  if (name === 'vllm' || module === 'vllm.entrypoints.cli.main') {
    if (args[0] !== 'serve') return null; // bench, chat, complete …
    const rest = args.slice(1);
    const model = positional(rest, VLLM_VALUE_FLAGS) ?? flagValue(rest, '--model');
    return match('vllm', LLAMA_HEALTH, { model, port: portOf(flagValue(rest, '--port')), defaultPort: 8000 });
  }
  if (module !== null && /^vllm\.entrypoints\.(openai\.)?api_server$/.test(module)) {
    return match('vllm', LLAMA_HEALTH, { model: flagValue(args, '--model'), port: portOf(flagValue(args, '--port')), defaultPort: 8000 });
  }
  if (/^koboldcpp/i.test(name)) {
    const model = flagValue(args, '--model') ?? positional(args, KOBOLD_VALUE_FLAGS);
    const port = portOf(flagValue(args, '--port')) ?? portOf(positional(args, KOBOLD_VALUE_FLAGS, 1));
    return match('koboldcpp', { path: '/api/v1/model', modelsPath: '/api/v1/model' }, { model, port, defaultPort: 5001 });
  }
  if (name === 'whisper-server') {
    return match('whisper-server', { path: '/health', modelsPath: null }, { model: flagValue(args, '-m', '--model'), port: portOf(flagValue(args, '--port')), defaultPort: 8080 });
  }
  if (name === 'sd-server') {
    const model = flagValue(args, '-m', '--model') ?? flagValue(args, '--diffusion-model');
    return match('sd-server', { path: '/', modelsPath: null }, { model, port: portOf(flagValue(args, '--listen-port')), defaultPort: 1234 });
  }
  return null;
}
