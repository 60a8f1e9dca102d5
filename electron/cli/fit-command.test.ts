// `vigil fit` as a real child process, on models written here (sparse).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FitEstimate } from '../common/fit.js';
import { kv, writeGguf, type TensorSpec } from '../../test-support/gguf-writer.js';

const CLI = path.resolve(import.meta.dirname, 'vigil.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-fitcli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MODEL = path.join(dir, 'model.gguf');
{
  const t: TensorSpec[] = [{ name: 'token_embd.weight', dims: [1024, 32000], type: 1 }];
  for (let i = 0; i < 8; i++) t.push({ name: `blk.${i}.ffn_up.weight`, dims: [1024, 4096], type: 1 });
  writeGguf(MODEL, [
    ['general.architecture', kv.str('llama')], ['general.name', kv.str('cli test')], ['llama.block_count', kv.u32(8)],
    ['llama.context_length', kv.u32(8192)], ['llama.embedding_length', kv.u32(1024)], ['llama.feed_forward_length', kv.u32(4096)],
    ['llama.attention.head_count', kv.u32(16)], ['llama.attention.head_count_kv', kv.u32(4)], ['llama.vocab_size', kv.u32(32000)],
  ], t, { data: 'sparse' });
}

function vigil(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, VIGIL_STATE_DIR: path.join(dir, 'state') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((r) => child.on('exit', (code) => r({ code: code ?? -1, out, err })));
}

describe('vigil fit', () => {
  it('prints the breakdown and verdict for a model and flags, and JSON for scripts', async () => {
    const t = await vigil(['fit', MODEL, '-c', '4096', '-ctk', 'q8_0', '-ctv', 'q8_0']);
    expect(t.err).toBe('');
    expect(t.code).toBe(0);
    expect(t.out).toContain(`model    ${MODEL}`);
    expect(t.out).toContain('llama "cli test", 8 layers, trained context 8192');
    expect(t.out).toMatch(/settings -c 4096 · 4 slots \(unified KV\) · K q8_0 \/ V q8_0/);
    expect(t.out).toMatch(/KV cache +\d+(\.\d)? MiB {2}anon {2}4096 cells × 8 layers, q8_0/);
    expect(t.out).toMatch(/\nverdict: fits — needs /);

    const j = await vigil(['fit', MODEL, '-c', '4096', '--json']);
    expect(j.code).toBe(0);
    const p = JSON.parse(j.out) as FitEstimate;
    expect(p).toMatchObject({ verdict: 'fits', settings: { ctx: 4096, cacheTypeK: 'f16' }, model: { layers: 8 } });
    // KV: 4096 cells × 8 layers × (K + V) × 4 KV heads × 64 × 2 B.
    expect(p.parts.find((x) => x.kind === 'kv')!.bytes).toBe(4096 * 8 * 2 * 256 * 2);
  });

  it("exits 3 for won't load, 4 for killed on a long prompt, 1 when it cannot predict, 2 for bad usage", async () => {
    const w = await vigil(['fit', MODEL, '--no-mmap', '--memory-limit', '100M']);
    expect(w.code).toBe(3);
    expect(w.out).toMatch(/verdict: won't load — needs .*anonymous part at load .* > memoryLimit 100 MiB/);
    // Loads in 200 MiB, but without flash attention a long prompt's scores take it over: exit 4, and the prompt named.
    const k = await vigil(['fit', MODEL, '-c', '8192', '-fa', 'off', '--memory-limit', '200M']);
    expect(k.code).toBe(4);
    expect(k.out).toMatch(/^at load +[\d.]+ MiB \(anon [\d.]+ MiB\): the KV cache is written at load/m);
    expect(k.out).toMatch(/verdict: killed on a long prompt — needs .*; killed on a long prompt: loads \([\d.]+ MiB anonymous\), but a prompt of ~\d+ tokens takes it to [\d.]+ MiB > memoryLimit 200 MiB/);
    const u = await vigil(['fit', path.join(dir, 'none.gguf')]);
    expect(u.code).toBe(1);
    expect(u.err).toBe(`vigil fit: no prediction: cannot read the model: ${path.join(dir, 'none.gguf')}: no such file\n`);
    const b = await vigil(['fit']);
    expect(b.code).toBe(2);
    expect(b.err).toContain('vigil fit: give MODEL.gguf');
    const l = await vigil(['fit', MODEL, '--memory-limit', 'lots']);
    expect(l.code).toBe(2);
    expect(l.err).toBe("vigil --memory-limit: 'lots' is not a size (e.g. 48G, 512MiB)\n");
  });

  it('takes a configured backend: its cmd, working directory and memory limit', async () => {
    const cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, `backends:
  chat:
    cmd: llama-server -m model.gguf -c 8192 --no-mmap --port \${PORT}
    cwd: ${dir}
    memoryLimit: 64M
  other:
    cmd: python3 -m http.server \${PORT}
`);
    const r = await vigil(['fit', '--backend', 'chat', '--config', cfg, '--json']);
    expect(r.code).toBe(3);
    const p = JSON.parse(r.out) as FitEstimate;
    expect(p.model.path).toBe(MODEL);
    expect(p.budgets.find((b) => b.source === 'memoryLimit')).toMatchObject({ available: 64 * 2 ** 20, verdict: 'wont-fit' });
    const o = await vigil(['fit', '--backend', 'other', '--config', cfg]);
    expect(o.code).toBe(1);
    expect(o.err).toBe('vigil fit: no prediction: the command is python3, not llama-server: no memory prediction for it\n');
    const n = await vigil(['fit', '--backend', 'nope', '--config', cfg]);
    expect(n.code).toBe(2);
    expect(n.err).toBe(`vigil fit: no backend 'nope' in ${cfg} (there: chat, other)\n`);
  });
});
