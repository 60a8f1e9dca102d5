// The model generator: deterministic files, and models llama-server loads
// with exactly the shape they were given, in every tensor type.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { pickFreePort, tempDir, waitFor } from '../helpers.js';
import { itLlama } from './it-llama.js';
import { llamaServerPath, model, modelKey, PRESETS, writeModel, type ModelParams } from './testbed.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');
const VOCAB = 32000; // ggml-vocab-llama-spm.gguf
// llama.cpp's names of general.file_type.
const FTYPE = { F32: 'all F32', F16: 'F16', Q8_0: 'Q8_0' } as const;

/** Parameters the GGUF should hold: embeddings, output, and per block q/k/v/o, three FFN matrices (per expert, plus a router), two norms. */
function paramCount(p: ModelParams): number {
  const head = p.embd / p.heads;
  const ffn = p.experts ? p.experts.count * 3 * p.embd * p.ff + p.experts.count * p.embd : 3 * p.embd * p.ff;
  const block = p.embd * p.heads * head * 2 + p.embd * p.kvHeads * head * 2 + ffn + 2 * p.embd;
  return 2 * VOCAB * p.embd + p.layers * block + p.embd;
}

describe('make-model.py', () => {
  itLlama('same parameters give byte-identical files; changing any parameter changes the file name', async () => {
    const t = tempDir('vigil-model-');
    cleanups.push(t.cleanup);
    const p: ModelParams = { layers: 1, embd: 32, heads: 1, kvHeads: 1, ff: 64, type: 'F32' };
    await writeModel(p, path.join(t.dir, 'a.gguf'));
    await writeModel(p, path.join(t.dir, 'b.gguf'));
    expect(sha(path.join(t.dir, 'a.gguf'))).toBe(sha(path.join(t.dir, 'b.gguf')));
    await writeModel({ ...p, ff: 96 }, path.join(t.dir, 'c.gguf'));
    expect(sha(path.join(t.dir, 'c.gguf'))).not.toBe(sha(path.join(t.dir, 'a.gguf')));
    const keys = [p, { ...p, layers: 2 }, { ...p, embd: 64 }, { ...p, heads: 2 }, { ...p, ff: 96 }, { ...p, ctx: 2048 }, { ...p, type: 'F16' as const }, { ...p, kvHeads: 2, heads: 2 }, { ...p, experts: { count: 4, used: 2 } }, { ...p, experts: { count: 4, used: 1 } }].map(modelKey);
    expect(new Set(keys).size).toBe(keys.length);
    // Three generator runs (a python start and numpy import each): minutes on a loaded machine.
  }, 180_000);

  itLlama('parameters llama.cpp cannot use are refused with what is wrong', async () => {
    const t = tempDir('vigil-model-');
    cleanups.push(t.cleanup);
    await expect(writeModel({ layers: 1, embd: 100, heads: 3, kvHeads: 1, ff: 64 }, path.join(t.dir, 'x.gguf'))).rejects.toThrow(/--embd 100 is not a multiple of --heads 3/);
    await expect(writeModel({ layers: 1, embd: 64, heads: 2, kvHeads: 1, ff: 100, type: 'Q8_0' }, path.join(t.dir, 'x.gguf'))).rejects.toThrow(/Q8_0 rows come in blocks of 32: --ff 100/);
    await expect(writeModel({ layers: 1, embd: 64, heads: 4, kvHeads: 3, ff: 64 }, path.join(t.dir, 'x.gguf'))).rejects.toThrow(/--heads 4 is not a multiple of --kv-heads 3/);
    await expect(writeModel({ layers: 1, embd: 64, heads: 2, kvHeads: 1, ff: 64, experts: { count: 2, used: 3 } }, path.join(t.dir, 'x.gguf'))).rejects.toThrow(/--experts-used 3 must be between 1 and --experts 2/);
  });

  const shapes: [string, ModelParams][] = [
    ['tiny (F16)', PRESETS.tiny],
    ['tinyGqa (Q8_0, 4 query heads per KV head)', PRESETS.tinyGqa],
    ['F32, trained context 2048', { layers: 1, embd: 64, heads: 2, kvHeads: 1, ff: 96, ctx: 2048, type: 'F32' }],
    ['moe (Q8_0, 8 experts, 2 used)', PRESETS.moe],
  ];
  for (const [name, p] of shapes) {
    itLlama(`${name}: llama-server loads it with the shape it was given and generates text`, async () => {
      const file = await model(p);
      const port = await pickFreePort();
      const child = spawn(llamaServerPath().path!, ['-m', file, '-c', '1024', '--port', String(port), '-lv', '4'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let log = '';
      child.stdout.on('data', (d: Buffer) => (log += d.toString()));
      child.stderr.on('data', (d: Buffer) => (log += d.toString()));
      const gone = new Promise((r) => child.once('exit', r));
      cleanups.push(() => child.kill('SIGKILL'));
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200, 30_000, `llama-server ready (log: ${log.slice(-500)})`);

      const models = (await (await fetch(`http://127.0.0.1:${port}/v1/models`)).json()) as { data: { meta: Record<string, unknown> }[] };
      expect(models.data[0]!.meta).toMatchObject({ n_vocab: VOCAB, n_embd: p.embd, n_ctx_train: p.ctx ?? 4096, n_params: paramCount(p), ftype: FTYPE[p.type ?? 'F16'] });
      expect(log).toMatch(new RegExp(`n_layer\\s+= ${p.layers}\\n`));
      expect(log).toMatch(new RegExp(`n_head\\s+= ${p.heads}\\n`));
      expect(log).toMatch(new RegExp(`n_head_kv\\s+= ${p.kvHeads}\\n`));
      expect(log).toMatch(new RegExp(`n_ff\\s+= ${p.ff}\\n`));
      expect(log).toMatch(new RegExp(`n_expert\\s+= ${p.experts?.count ?? 0}\\n`));
      expect(log).toMatch(new RegExp(`n_expert_used\\s+= ${p.experts?.used ?? 0}\\n`));

      const res = await fetch(`http://127.0.0.1:${port}/completion`, { method: 'POST', body: JSON.stringify({ prompt: 'Once upon a time', n_predict: 8, temperature: 0 }) });
      const body = (await res.json()) as { content: string; tokens_predicted: number };
      expect(body.tokens_predicted).toBe(8);
      expect(body.content.length).toBeGreaterThan(0);
      child.kill('SIGTERM');
      await gone;
    }, 180_000);
  }
});
