import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/helpers.js';
import { importLlamaSwap } from './import-llama-swap.js';
import { loadConfig, parseConfigText } from './load-config.js';

const LLAMA_SWAP = `healthCheckTimeout: 300
logLevel: info
startPort: 10001
macros:
  llama: /opt/llama.cpp/llama-server --host 127.0.0.1 --port \${PORT}
  ctx: "--ctx-size 16384"
models:
  "qwen2.5:7b":
    cmd: |
      \${llama}
      -m /models/qwen2.5-7b.gguf # the model
      \${ctx}
    env:
      - "CUDA_VISIBLE_DEVICES=0"
      - "LLAMA_ARG_THREADS=8"
    ttl: 300
    aliases: [gpt-4o-mini]
    unlisted: true
    filters:
      strip_params: "temperature"
  embed:
    cmd: /opt/llama.cpp/llama-server --port 9001 -m /models/embed.gguf --embedding
    proxy: http://127.0.0.1:9001
    checkEndpoint: none
    useModelName: nomic
    concurrencyLimit: 4
groups:
  main: { swap: true, members: [embed] }
hooks:
  on_startup:
    preload: [embed]
`;

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

describe('llama-swap import', () => {
  it('maps cmd (macros expanded, ${PORT} kept), proxy port, checkEndpoint, env; lists the rest as ignored', () => {
    const r = parseConfigText(LLAMA_SWAP, '/ls.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.format).toBe('llama-swap');
    const q = r.config.backends['qwen2.5-7b']!;
    expect(q.name).toBe('qwen2.5:7b');
    expect(q.cmd).toEqual(['/opt/llama.cpp/llama-server', '--host', '127.0.0.1', '--port', '${PORT}', '-m', '/models/qwen2.5-7b.gguf', '--ctx-size', '16384']);
    expect(q.env).toEqual({ CUDA_VISIBLE_DEVICES: '0', LLAMA_ARG_THREADS: '8' });
    expect(q.port).toBe('auto');
    expect(q.health.path).toBe('/health');
    expect(q.health.startupTimeoutMs).toBe(300_000);
    expect(q.autostart).toBe(false); // llama-swap starts on demand
    const e = r.config.backends.embed!;
    expect(e.port).toBe(9001);
    expect(e.health.path).toBeNull();
    expect(e.autostart).toBe(true); // hooks.on_startup.preload
    expect([...r.ignored].sort()).toEqual(
      [
        'logLevel', 'startPort', 'groups',
        'models.qwen2.5:7b.ttl', 'models.qwen2.5:7b.aliases', 'models.qwen2.5:7b.unlisted', 'models.qwen2.5:7b.filters',
        'models.embed.useModelName', 'models.embed.concurrencyLimit',
      ].sort(),
    );
  });

  it('reports problems at the llama-swap line (unknown macro, bad env entry, missing cmd)', () => {
    const r = parseConfigText('models:\n  a:\n    cmd: server --port ${PORT} ${nope}\n    env: ["BROKEN"]\n  b:\n    ttl: 5\n', '/ls.yaml');
    if (r.ok) throw new Error('expected issues');
    expect(r.format).toBe('llama-swap');
    const byField = Object.fromEntries(r.issues.map((i) => [i.field, i]));
    expect(byField['models.a.cmd']).toMatchObject({ line: 3, message: 'unknown macro ${nope} (define it under macros:)' });
    expect(byField['models.a.env.0']).toMatchObject({ line: 4, message: expect.stringMatching(/not KEY=VALUE/) });
    expect(byField['backends.b.cmd']).toMatchObject({ line: 6, message: "missing required field 'cmd'" });
  });

  it('importLlamaSwap writes a Vigil file that loads to the same backends', async () => {
    const t = tempDir('vigil-ls-');
    cleanups.push(t.cleanup);
    const src = path.join(t.dir, 'llama-swap.yaml');
    const dest = path.join(t.dir, 'vigil', 'config.yaml');
    writeFileSync(src, LLAMA_SWAP);
    const r = await importLlamaSwap(src, dest);
    expect(r).toMatchObject({ ok: true, dest, backends: ['qwen2.5-7b', 'embed'] });
    const text = readFileSync(dest, 'utf8');
    expect(text).toMatch(/^# Imported by Vigil from /);
    expect(text).toMatch(/# {3}models\.qwen2\.5:7b\.ttl/);
    const loaded = await loadConfig(dest);
    const direct = parseConfigText(LLAMA_SWAP, src);
    if (!loaded.ok || !direct.ok) throw new Error('both should load');
    expect(loaded.format).toBe('vigil');
    expect(loaded.config.backends).toEqual(direct.config.backends);
    // A second import does not clobber the file.
    expect(await importLlamaSwap(src, dest)).toMatchObject({ ok: false, issues: [{ message: expect.stringMatching(/refusing to overwrite/) }] });
    expect((await importLlamaSwap(dest, path.join(t.dir, 'x.yaml'))).ok).toBe(false);
  });
});
