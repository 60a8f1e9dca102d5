// The real llama-server test bed: where the built binary is (or the one
// command that builds it), and random-weight models named by their
// parameters, generated on first use into a cache outside the repository.
// Runner-free: vitest's `itLlama` (it-llama.ts), Playwright's helper
// (e2e/support/llama.ts), the benches and .ci/run all build on this.
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BUILD_SCRIPT = path.join(here, 'build-llama-server.sh');
const GENERATOR = path.join(here, 'make-model.py');
/** The one command a developer runs to get the test bed (~6–10 min once on 2 cores; reused afterwards). */
export const BUILD_COMMAND = 'bash test-support/llama/build-llama-server.sh';

const version = (): string => process.env.VIGIL_NODE_LLAMA_CPP_VERSION ?? '3.21.1';
/** Same rule as the build script: $VIGIL_LLAMA_CACHE, else $XDG_CACHE_HOME/vigil-testbed, else ~/.cache/vigil-testbed. */
export const cacheDir = (): string =>
  process.env.VIGIL_LLAMA_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'vigil-testbed');
/** llama.cpp's source tree (models/ vocab GGUFs, gguf-py/). */
export const sourceDir = (): string => path.join(cacheDir(), `llama-cpp-${version()}`, 'src');
export const modelsDir = (): string => path.join(cacheDir(), 'models');
const python = (): string => process.env.VIGIL_PYTHON ?? 'python3';

export type Located = { path: string; reason: null } | { path: null; reason: string };

/** The built llama-server, or why there is none and the command that builds it. */
export function llamaServerPath(): Located {
  const root = path.join(cacheDir(), `llama-cpp-${version()}`);
  const bin = path.join(root, 'src', 'build', 'bin', 'llama-server');
  if (existsSync(path.join(root, '.complete')) && existsSync(bin)) return { path: bin, reason: null };
  return { path: null, reason: `llama-server is not built in ${root}: run \`${BUILD_COMMAND}\` (~10 min once)` };
}

/** llama.cpp's llama-fit-params beside llama-server (the build script adds it to an older cache), or why not. */
export function llamaFitParamsPath(): Located {
  const server = llamaServerPath();
  if (!server.path) return server;
  const bin = path.join(path.dirname(server.path), 'llama-fit-params');
  if (existsSync(bin)) return { path: bin, reason: null };
  return { path: null, reason: `llama-fit-params is not built beside ${server.path}: run \`${BUILD_COMMAND}\` (builds that one target in the cached tree)` };
}

let generatorProblem: string | null | undefined;
/** Null when models can be generated here, else what is missing (python3 with numpy, the source tree). */
export function missingGenerator(): string | null {
  if (generatorProblem !== undefined) return generatorProblem;
  const gguf = path.join(sourceDir(), 'gguf-py');
  if (!existsSync(gguf)) return (generatorProblem = `no gguf-py in ${sourceDir()}: run \`${BUILD_COMMAND}\``);
  try {
    execFileSync(python(), ['-c', 'import numpy'], { stdio: 'pipe', timeout: 30_000 });
    generatorProblem = null;
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    const why = err.stderr?.toString().trim().split('\n').at(-1) ?? err.message;
    generatorProblem = `${python()} cannot import numpy (${why}): install python3-numpy (apt) or numpy (pip), or set VIGIL_PYTHON`;
  }
  return generatorProblem;
}

/** Null when real-server tests can run here (binary built, models can be made), else why not. */
export function missingLlamaServer(): string | null {
  return llamaServerPath().reason ?? missingGenerator();
}

export type TensorType = 'F32' | 'F16' | 'Q8_0';

export interface ModelParams {
  layers: number;
  /** Embedding size. */
  embd: number;
  heads: number;
  /** Fewer than `heads` makes a grouped-query-attention model. */
  kvHeads: number;
  /** Feed-forward size. */
  ff: number;
  /** The model's trained context length (default 4096). */
  ctx?: number;
  /** Vocab-only GGUF whose tokenizer is copied (default: the source tree's llama-spm, 32000 tokens). */
  vocab?: string;
  type?: TensorType;
  /** general.architecture (default llama); another name makes a model this build refuses to load. */
  arch?: string;
  /** Mixtral-style mixture of experts: experts per layer (`ff` is then each expert's width) and experts used per token. */
  experts?: { count: number; used: number };
}

/**
 * Named models. Sizes with the llama-spm vocabulary (32000 tokens, whose
 * embedding and output matrices dominate the small ones).
 */
export const PRESETS = {
  /** 8.7 MiB, F16: loads in well under a second; for lifecycle tests. */
  tiny: { layers: 2, embd: 64, heads: 2, kvHeads: 2, ff: 128, type: 'F16' },
  /** 9.3 MiB, Q8_0, grouped-query attention (4 query heads share 1 KV head). */
  tinyGqa: { layers: 2, embd: 128, heads: 4, kvHeads: 1, ff: 256, type: 'Q8_0' },
  /** 88 MiB, F16: more than a 64 MiB memory limit holds once read in with --no-mmap. */
  small: { layers: 4, embd: 512, heads: 8, kvHeads: 8, ff: 1408, type: 'F16' },
  /** ≈ 0.95 GiB, Q8_0, GQA 16/4: a load that takes a second or more from disk, and memory that matters. */
  large: { layers: 18, embd: 2048, heads: 16, kvHeads: 4, ff: 5632, type: 'Q8_0' },
  /** 88 MiB, Q8_0, Mixtral-style MoE: 8 experts of width 1024 per layer, 2 used per token; GQA 8/2. */
  moe: { layers: 4, embd: 512, heads: 8, kvHeads: 2, ff: 1024, type: 'Q8_0', experts: { count: 8, used: 2 } },
} as const satisfies Record<string, ModelParams>;
export type PresetName = keyof typeof PRESETS;

function normalised(p: ModelParams): Required<Omit<ModelParams, 'arch' | 'experts'>> & Pick<ModelParams, 'arch' | 'experts'> {
  return {
    ...(p.arch && p.arch !== 'llama' ? { arch: p.arch } : {}),
    ...(p.experts ? { experts: { count: p.experts.count, used: p.experts.used } } : {}),
    layers: p.layers,
    embd: p.embd,
    heads: p.heads,
    kvHeads: p.kvHeads,
    ff: p.ff,
    ctx: p.ctx ?? 4096,
    vocab: path.resolve(p.vocab ?? path.join(sourceDir(), 'models', 'ggml-vocab-llama-spm.gguf')),
    type: p.type ?? 'F16',
  };
}

let generatorHash: string | undefined;
/**
 * File name of a model: readable parameters plus a hash of all of them and
 * of the generator itself, so a changed generator never reuses an old file.
 * Files of older generators are left behind: delete the models folder to
 * reclaim the space (it is shared, so nothing here prunes it).
 */
export function modelKey(params: ModelParams): string {
  const p = normalised(params);
  generatorHash ??= createHash('sha256').update(readFileSync(GENERATOR)).digest('hex');
  const hash = createHash('sha256').update(JSON.stringify([p, generatorHash])).digest('hex').slice(0, 12);
  const vocab = path.basename(p.vocab, '.gguf').replace(/^ggml-vocab-/, '');
  const moe = p.experts ? `-X${p.experts.count}x${p.experts.used}` : '';
  return `${p.arch ?? 'llama'}-L${p.layers}-E${p.embd}-H${p.heads}-KV${p.kvHeads}-FF${p.ff}${moe}-C${p.ctx}-${p.type}-${vocab}-${hash}`;
}

const run = promisify(execFile);

/**
 * Path of the model with these parameters (or preset), generating it on
 * first use into the cache (see writeModel).
 */
export async function model(which: ModelParams | PresetName): Promise<string> {
  const p = normalised(typeof which === 'string' ? PRESETS[which] : which);
  const out = path.join(modelsDir(), `${modelKey(p)}.gguf`);
  if (!existsSync(out)) await writeModel(p, out);
  return out;
}

/**
 * Writes the model with these parameters to `out` (unless it exists). The
 * generator writes beside the destination and renames under a lock, so
 * parallel callers share one file and never see half of it.
 */
export async function writeModel(params: ModelParams, out: string): Promise<void> {
  const p = normalised(params);
  const missing = missingGenerator();
  if (missing) throw new Error(`cannot generate ${path.basename(out)}: ${missing}`);
  const args = [
    GENERATOR, '--gguf-py', path.join(sourceDir(), 'gguf-py'), '--vocab', p.vocab,
    '--layers', String(p.layers), '--embd', String(p.embd), '--heads', String(p.heads), '--kv-heads', String(p.kvHeads),
    '--ff', String(p.ff), '--ctx', String(p.ctx), '--type', p.type, '--out', out,
    ...(p.arch ? ['--arch', p.arch] : []),
    ...(p.experts ? ['--experts', String(p.experts.count), '--experts-used', String(p.experts.used)] : []),
  ];
  try {
    await run(python(), args, { maxBuffer: 1 << 20 });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`model generation failed (${python()} ${path.basename(GENERATOR)}): ${err.stderr?.trim() || err.message}`, { cause: e });
  }
}

/**
 * Drops a file's pages from the page cache (posix_fadvise DONTNEED), so the
 * next load reads it from disk as after a reboot: a load that takes a
 * measurable moment instead of a page-cache copy.
 */
export function evictFromPageCache(file: string): void {
  execFileSync(python(), ['-c', 'import os,sys; fd=os.open(sys.argv[1], os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)', file], { stdio: 'pipe' });
}
