import { describe, expect, it } from 'vitest';
import { parseServerArgs, type ServerSettings } from './server-args.js';

const ok = (argv: string[], opts?: Parameters<typeof parseServerArgs>[1]): ServerSettings => {
  const r = parseServerArgs(argv, { cwd: '/models', ...opts });
  if (!r.ok) throw new Error(r.why);
  return r.settings;
};

describe('llama-server flags', () => {
  it("fills in this build's defaults: trained context, auto slots, f16 cache, mmap, flash attention auto", () => {
    expect(ok(['/opt/llama/bin/llama-server', '-m', 'qwen.gguf', '--port', '8080'])).toEqual({
      model: '/models/qwen.gguf',
      ctx: null,
      parallel: null,
      kvUnified: null,
      cacheTypeK: 'f16',
      cacheTypeV: 'f16',
      gpuLayers: 'auto',
      overrides: [],
      batch: 2048,
      ubatch: 512,
      flashAttn: 'auto',
      loadMode: 'auto',
      swaFull: false,
      kvOffload: true,
      repack: true,
      fit: true,
      cacheRamMib: 8192,
    });
  });

  it('reads every memory flag in its short and long forms', () => {
    const s = ok(['llama-server', '--model', '/m/a.gguf', '-c', '32768', '-np', '2', '-kvu', '-ctk', 'q8_0', '--cache-type-v', 'Q4_0',
      '-ngl', '20', '-ot', 'exps=CPU,attn=CUDA0', '-b', '1024', '-ub', '256', '-fa', 'off', '--no-mmap', '--swa-full', '-nkvo', '-nr', '-cram', '0']);
    expect(s).toMatchObject({
      model: '/m/a.gguf', ctx: 32768, parallel: 2, kvUnified: true, cacheTypeK: 'q8_0', cacheTypeV: 'q4_0', gpuLayers: 20,
      overrides: [{ pattern: 'exps', buffer: 'CPU' }, { pattern: 'attn', buffer: 'CUDA0' }], batch: 1024, ubatch: 256, flashAttn: 'off',
      loadMode: 'none', swaFull: true, kvOffload: false, repack: false, cacheRamMib: 0,
    });
    expect(ok(['llama-server', '-m', 'a', '--ctx_size', '4096', '--n-gpu-layers', 'all', '--mlock', '-np', '-1'])).toMatchObject({ ctx: 4096, gpuLayers: 'all', loadMode: 'mlock', parallel: null });
    expect(ok(['llama-server', '-m', 'a', '--gpu-layers', '-1', '--load-mode', 'mmap+mlock', '-ub', '4096'])).toMatchObject({ gpuLayers: 'auto', loadMode: 'mmap+mlock', ubatch: 2048 });
    expect(ok(['llama-server', '-m', 'a', '-ncmoe', '2']).overrides.map((o) => o.pattern)).toEqual(['blk\\.0\\.ffn_(up|down|gate)_exps', 'blk\\.1\\.ffn_(up|down|gate)_exps']);
  });

  it('skips the values of flags it does not model, ignores unknown flags, and takes LLAMA_ARG_* where no flag is given', () => {
    const s = ok(['llama-server', '--port', '-c', '--alias', '-ngl', '-m', 'x.gguf', '--some-new-flag', '--jinja'], {
      env: { LLAMA_ARG_CTX_SIZE: '8192', LLAMA_ARG_CACHE_TYPE_K: 'q8_0', LLAMA_ARG_MMAP: 'false' },
    });
    expect(s).toMatchObject({ model: '/models/x.gguf', ctx: 8192, cacheTypeK: 'q8_0', gpuLayers: 'auto', loadMode: 'none' });
    expect(ok(['llama-server', '-c', '1024'], { env: { LLAMA_ARG_MODEL: '/m/e.gguf', LLAMA_ARG_CTX_SIZE: '8192' } })).toMatchObject({ model: '/m/e.gguf', ctx: 1024 });
  });

  it('notes loaded extras whose memory is not included', () => {
    const r = parseServerArgs(['llama-server', '-m', 'a.gguf', '--mmproj', 'p.gguf', '-md', 'd.gguf']);
    expect(r.ok && r.notes).toEqual([
      'a multimodal projector (--mmproj) is loaded too; its memory is not included',
      'a draft model (-md) is loaded too; its memory is not included',
    ]);
  });

  it('says why there is no prediction: another program, no model, or a bad value', () => {
    expect(parseServerArgs(['/usr/bin/python3', 'serve.py'])).toEqual({ ok: false, why: 'the command is python3, not llama-server: no memory prediction for it' });
    expect(parseServerArgs(['vllm', 'serve', '-m', 'x'])).toMatchObject({ ok: false, why: expect.stringContaining('vllm, not llama-server') });
    expect(parseServerArgs([])).toEqual({ ok: false, why: 'the command is empty' });
    expect(parseServerArgs(['llama-server', '-hf', 'org/model'])).toMatchObject({ ok: false, why: expect.stringContaining('without -m/--model') });
    expect(parseServerArgs(['llama-server', '-m', 'a', '-c', 'big'])).toEqual({ ok: false, why: "cannot read llama-server's flags: -c: 'big' is not a whole number" });
    expect(parseServerArgs(['llama-server', '-m', 'a', '-ctk', 'q3_k'])).toMatchObject({ ok: false, why: expect.stringContaining("-ctk: 'q3_k' is not a KV cache type") });
    expect(parseServerArgs(['llama-server', '-m', 'a', '-fa', 'maybe'])).toMatchObject({ ok: false, why: expect.stringContaining("-fa: 'maybe' is not on, off or auto") });
    expect(parseServerArgs(['llama-server', '-m'])).toEqual({ ok: false, why: "cannot read llama-server's flags: -m needs a value" });
  });
});
