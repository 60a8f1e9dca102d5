// The real llama-server for the llama monitoring tests: where the built
// binary is (or the command that builds it), a tiny random-weight model
// written with the source tree's gguf-py, a server started on a free port
// with its log in a file, and `itRealLlama`, which skips with the reason
// where the test bed is missing unless VIGIL_REQUIRE_LLAMA_SERVER=1 (CI)
// makes that a failure.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { it } from 'vitest';
import { freePort, waitFor } from '../helpers.js';

export const BUILD_COMMAND = 'bash test-support/llama/build-llama-server.sh';
const version = (): string => process.env.VIGIL_NODE_LLAMA_CPP_VERSION ?? '3.21.1';
const cacheDir = (): string => process.env.VIGIL_LLAMA_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'vigil-testbed');
const root = (): string => path.join(cacheDir(), `llama-cpp-${version()}`);
export const llamaServerBinary = (): string => path.join(root(), 'src', 'build', 'bin', 'llama-server');

/** Null when the real server and a model can be had here, else why not. */
export function missingRealLlama(): string | null {
  if (!existsSync(path.join(root(), '.complete')) || !existsSync(llamaServerBinary())) return `llama-server is not built in ${root()}: run \`${BUILD_COMMAND}\``;
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'pipe' });
  } catch {
    return 'python3 cannot import numpy (needed to write the test model): apt-get install python3-numpy';
  }
  return null;
}

/** vitest `it` that needs the real llama-server. */
export function itRealLlama(name: string, fn: () => Promise<void>, timeout?: number): void {
  const missing = missingRealLlama();
  if (!missing) it(name, fn, timeout);
  else if (process.env.VIGIL_REQUIRE_LLAMA_SERVER === '1') it(name, () => Promise.reject(new Error(`VIGIL_REQUIRE_LLAMA_SERVER=1 but ${missing}`)));
  else {
    console.warn(`[skip] ${name}: ${missing}`);
    it.skip(`${name} — skipped: ${missing}`, fn);
  }
}

// 2 layers, 64 wide, llama-spm vocabulary (≈ 9 MiB F16): loads in a fraction of a second.
const WRITER = String.raw`
import sys, numpy as np
src, out, arch = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, src + '/gguf-py')
import types; sys.modules.setdefault('yaml', types.ModuleType('yaml'))
import gguf
L, E, H, KV, FF = 2, 64, 4, 2, 128
r = gguf.GGUFReader(src + '/models/ggml-vocab-llama-spm.gguf')
w = gguf.GGUFWriter(out, arch)
w.add_name('vigil-tiny'); w.add_context_length(4096); w.add_embedding_length(E); w.add_block_count(L)
w.add_feed_forward_length(FF); w.add_head_count(H); w.add_head_count_kv(KV)
w.add_rope_dimension_count(E // H); w.add_layer_norm_rms_eps(1e-5); w.add_file_type(1)
nv = 0
for f in r.fields.values():
    if not f.name.startswith('tokenizer.'): continue
    t = f.types[0]
    if t == gguf.GGUFValueType.ARRAY:
        it = f.types[-1]
        vals = [bytes(f.parts[i]) for i in f.data] if it == gguf.GGUFValueType.STRING else [f.parts[i].tolist()[0] for i in f.data]
        if f.name == 'tokenizer.ggml.tokens': nv = len(vals)
        w.add_key_value(f.name, vals, t, sub_type=it)
    elif t == gguf.GGUFValueType.STRING: w.add_key_value(f.name, bytes(f.parts[-1]).decode(), t)
    else: w.add_key_value(f.name, f.parts[-1].tolist()[0], t)
rng = np.random.default_rng(0)
def T(n, s): w.add_tensor(n, (rng.standard_normal(s) * 0.02).astype(np.float16))
ones = lambda n: w.add_tensor(n, np.ones(E, np.float32))
T('token_embd.weight', (nv, E)); ones('output_norm.weight'); T('output.weight', (nv, E))
for i in range(L):
    p = 'blk.%d.' % i
    ones(p + 'attn_norm.weight'); ones(p + 'ffn_norm.weight')
    T(p + 'attn_q.weight', (E, E)); T(p + 'attn_k.weight', (KV * E // H, E)); T(p + 'attn_v.weight', (KV * E // H, E)); T(p + 'attn_output.weight', (E, E))
    T(p + 'ffn_gate.weight', (FF, E)); T(p + 'ffn_up.weight', (FF, E)); T(p + 'ffn_down.weight', (E, FF))
w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
`;

/** A tiny llama model (or one claiming another `general.architecture`), written once into the cache. */
export function tinyModel(arch = 'llama'): string {
  const dir = path.join(cacheDir(), 'models');
  const out = path.join(dir, `vigil-know-tiny-${arch}.gguf`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  execFileSync('python3', ['-c', WRITER, path.join(root(), 'src'), tmp, arch], { stdio: 'pipe' });
  renameSync(tmp, out);
  return out;
}

export interface RealServer {
  child: ChildProcess;
  pid: number;
  port: number;
  logPath: string;
  log(): string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  signal(sig: NodeJS.Signals): void;
  /** SIGCONT (in case it was stopped), SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

/**
 * Starts llama-server with `args` (plus --port) writing stdout and stderr into
 * `logPath`, as Vigil's supervisor does. Resolves once /health answers 200
 * unless `waitReady` is false.
 */
export async function startRealServer(args: string[], logPath: string, opts: { port?: number; waitReady?: boolean } = {}): Promise<RealServer> {
  const port = opts.port ?? (await freePort());
  const fd = openSync(logPath, 'a');
  const child = spawn(llamaServerBinary(), [...args, '--port', String(port)], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (c, s) => r([c, s])));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const server: RealServer = {
    child,
    pid: child.pid!,
    port,
    logPath,
    log: () => readFileSync(logPath, 'utf8'),
    exited,
    signal: (sig) => {
      if (alive()) child.kill(sig);
    },
    kill: async () => {
      if (alive()) {
        child.kill('SIGCONT');
        child.kill('SIGKILL');
      }
      await exited;
    },
  };
  if (opts.waitReady !== false) {
    const ready = waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200, 30_000, 'llama-server /health 200', 50);
    const died = exited.then(() => {
      throw new Error(`llama-server exited before it was ready:\n${server.log().slice(-2000)}`);
    });
    died.catch(() => {});
    try {
      await Promise.race([ready, died]);
    } catch (e) {
      await server.kill();
      throw e;
    }
  }
  return server;
}
