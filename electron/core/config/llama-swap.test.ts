// llama-swap's own configurations (fixtures/llama-swap, copied from its
// repository) load into backends that start exactly what llama-swap starts.
// The expected argv below is worked out by hand from llama-swap's Go code:
// env macros → `#` lines of cmd dropped → macros, last declared first, with
// ${MODEL_ID} → ${PORT} from startPort in sorted model-ID order → at start,
// `#` lines dropped again, `\`-ended lines joined, golib shlex.Posix split.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BackendConfig } from '../../common/config-schema.js';
import { parseConfigText } from './load-config.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'llama-swap');
const ENV = { HOME: '/home/tester', LLAMA_BIN: '/opt/llama.cpp/build/bin/llama-server', STOP_SIGNAL: 'TERM' };

beforeEach(() => {
  for (const [k, v] of Object.entries(ENV)) vi.stubEnv(k, v);
  for (const k of ['API_KEY_1', 'API_KEY_2', 'OPENROUTER_API_KEY']) vi.stubEnv(k, undefined);
});
afterEach(() => vi.unstubAllEnvs());

function load(file: string) {
  const full = path.join(FIXTURES, file);
  const r = parseConfigText(readFileSync(full, 'utf8'), full);
  if (!r.ok) throw new Error(`${file}: ${JSON.stringify(r.issues, null, 1)}`);
  expect(r.format).toBe('llama-swap');
  return r;
}

/** What the supervisor spawns: `${PORT}` in each argv element becomes the backend's port. */
const spawned = (b: BackendConfig) => b.cmd.map((a) => a.split('${PORT}').join(String(b.port)));

describe('llama-swap corpus: the argv Vigil spawns is the argv llama-swap spawns', () => {
  it('config.example.yaml: a macro in a cmd comment line is dropped before it expands; docker with cmdStop', () => {
    const { config, ignored } = load('config.example.yaml');
    expect(Object.keys(config.backends)).toEqual(['gpt-oss-120b', 'docker-llama']);
    const g = config.backends['gpt-oss-120b']!;
    // Ports in model-ID order from startPort 10001: docker-llama, gpt-oss-120b (unlisted-model has no ${PORT}).
    expect(g.port).toBe(10002);
    expect(spawned(g)).toEqual([
      '/path/to/llama-server/llama-server-ec9e0301', '--port', '10002',
      '--model', 'path/to/gpt-oss-120B.gguf', '--ctx-size', '16384', '--temperature', '0.7',
    ]);
    expect(g.env).toEqual({ CUDA_VISIBLE_DEVICES: '0,1,2' });
    expect(g.name).toBe('gpt-oss 120B');
    expect(g.health).toMatchObject({ path: '/custom-endpoint', startupTimeoutMs: 500_000 });
    expect(g.stop).toEqual({ signal: 'SIGTERM', graceMs: 10_000, cmd: null });
    expect(g.autostart).toBe(false);

    const d = config.backends['docker-llama']!;
    expect(d.port).toBe(10001);
    expect(spawned(d)).toEqual([
      'docker', 'run', '--name', 'docker-llama', '--init', '--rm', '-p', '10001:8080', '-v', '/mnt/nvme/models:/models',
      'ghcr.io/ggml-org/llama.cpp:server', '--model', '/models/Qwen2.5-Coder-0.5B-Instruct-Q4_K_M.gguf',
    ]);
    expect(d.stop.cmd).toEqual(['docker', 'stop', 'docker-llama']);
    expect(d.env).toEqual({});
    expect(d.health.path).toBe('/health');
    expect(ignored).toContain('models.unlisted-model.cmd: model not imported: cmd has no ${PORT} and there is no proxy: port unknown (llama-swap refuses it: its default proxy uses ${PORT})');
  });

  it('an older config.example.yaml: its two-line macro in a comment never becomes arguments; preload → autostart', () => {
    const { config } = load('config.example.00b738cd.yaml');
    expect(Object.keys(config.backends)).toEqual(['llama', 'qwen-unlisted', 'docker-llama']);
    const l = config.backends.llama!;
    expect(spawned(l)).toEqual([
      '/path/to/llama-server/llama-server-ec9e0301', '--port', '10002',
      '--model', 'path/to/llama-8B-Q4_K_M.gguf', '--ctx-size', '16384', '--temperature', '0.7',
    ]);
    expect(l.autostart).toBe(true);
    expect(spawned(config.backends['qwen-unlisted']!)).toEqual(['llama-server', '--port', '10003', '-m', 'Llama-3.2-1B-Instruct-Q4_K_M.gguf', '-ngl', '0']);
    expect(config.backends['qwen-unlisted']!.autostart).toBe(false);
    expect(spawned(config.backends['docker-llama']!)).toContain('10001:8080');
  });

  it('environment macros: in a macro, in cmd, in env and in cmdStop', () => {
    const { config } = load('vigil-env-macros.yaml');
    const q = config.backends['qwen2.5-7b']!;
    expect(q.name).toBe('qwen2.5:7b');
    expect(q.port).toBe(9000);
    expect(spawned(q)).toEqual([
      '/opt/llama.cpp/build/bin/llama-server', '--host', '127.0.0.1', '--port', '9000',
      '--model', '/home/tester/models/qwen2.5-7b.gguf', '--alias', 'qwen2.5:7b', '--api-key-file', '/home/tester/.keys/llama key',
    ]);
    expect(q.env).toEqual({ HF_HOME: '/home/tester/.cache/hf', LLAMA_ARG_THREADS: '8' });
    expect(q.stop.cmd).toEqual(['kill', '-TERM', '${PID}']);
  });

  it("docs/configuration.md's vLLM container: quotes inside quotes, cmdStop, name", () => {
    const { config } = load('docs-configuration-vllm.yaml');
    const v = config.backends['Q3-30B-CODER-VLLM']!;
    expect(spawned(v)).toEqual([
      'docker', 'run', '--init', '--rm', '--name', 'vllm-coder', '--runtime=nvidia', '--gpus', '"device=2,3"', '--shm-size=16g',
      '-v', '/mnt/nvme/vllm-cache:/root/.cache', '-v', '/mnt/ssd-extra/models:/models', '-p', '5800:8000', 'vllm/vllm-openai:v0.10.0',
      '--model', '/models/cpatonn/Qwen3-Coder-30B-A3B-Instruct-AWQ', '--served-model-name', 'Q3-30B-CODER-VLLM', '--enable-expert-parallel',
      '--swap-space', '16', '--max-num-seqs', '512', '--max-model-len', '65536', '--max-seq-len-to-capture', '65536',
      '--gpu-memory-utilization', '0.9', '--tensor-parallel-size', '2', '--trust-remote-code',
    ]);
    expect(v.stop.cmd).toEqual(['docker', 'stop', 'vllm-coder']);
    expect(v.name).toBe('Qwen3 30B Coder vllm AWQ (Q3-30B-CODER-VLLM)');
    expect(v.health.startupTimeoutMs).toBe(120_000); // llama-swap's default healthCheckTimeout
  });

  it('docker/unified: ports by model ID from the default 5800, an empty "" argument, a health path', () => {
    const { config, ignored } = load('docker-unified-config.example.yaml');
    expect(Object.fromEntries(Object.entries(config.backends).map(([id, b]) => [id, b.port]))).toEqual({ llama: 5801, whisper: 5802, audio: 5800 });
    const w = config.backends.whisper!;
    expect(spawned(w)).toEqual(['whisper-server', '--port', '5802', '--m', '/models/whisper.bin', '--flash-attn', '--request-path', '/v1/audio/transcriptions', '--inference-path', '']);
    expect(w.health.path).toBe('/v1/audio/transcriptions/');
    expect(spawned(config.backends.audio!)).toEqual(['audiocpp_server', '--config', '/models/audiocpp-server.json', '--port', '5800']);
    expect(ignored.some((l) => l.startsWith('models.image.cmd: model not imported'))).toBe(true);
  });

  it('fixed ports from proxy, folded (>) commands and env lists', () => {
    const a = load('aider-qwq-coder.yaml').config.backends;
    expect(a.QwQ!.port).toBe(9503);
    expect(a.QwQ!.env).toEqual({ CUDA_VISIBLE_DEVICES: '1' });
    expect(spawned(a.QwQ!).slice(0, 6)).toEqual(['/path/to/llama-server', '--host', '127.0.0.1', '--port', '9503', '--flash-attn']);
    expect(spawned(a.QwQ!)).toContain('top_k;top_p;min_p;temperature;dry;typ_p;xtc');
    expect(a['qwen-coder-32B']!.port).toBe(8999);
    const s = load('docs-speculative-decoding-1.yaml').config.backends['qwen-coder-32b-q4']!;
    expect(s.port).toBe(9503);
    expect(spawned(s).at(-1)).toBe('CUDA1');
    expect(spawned(load('docs-configuration-multiline.yaml').config.backends.model1!)).toEqual([
      'llama-server', '--PORT', '5800', '-m', '/path/to/model.gguf', '--ctx-size', '8192', '--jinja', '--cache-type-k', 'q8_0', '--cache-type-v', 'q8_0',
    ]);
  });

  it('imports what llama-swap can start from every file of the corpus and names what it cannot', () => {
    const expected: Record<string, { backends: string[]; leftOut: string[] }> = {
      'config.example.yaml': { backends: ['gpt-oss-120b', 'docker-llama'], leftOut: ['unlisted-model'] },
      'config.example.00b738cd.yaml': { backends: ['llama', 'qwen-unlisted', 'docker-llama'], leftOut: [] },
      'docker-config.example.yaml': { backends: ['qwen2.5', 'smollm2'], leftOut: ['z-image'] },
      'docker-unified-config.example.yaml': { backends: ['llama', 'whisper', 'audio'], leftOut: ['image'] },
      'aider-qwq-coder.yaml': { backends: ['qwen-coder-32B', 'QwQ'], leftOut: [] },
      'docs-configuration-multiline.yaml': { backends: ['model1'], leftOut: [] },
      'docs-configuration-vllm.yaml': { backends: ['Q3-30B-CODER-VLLM'], leftOut: [] },
      'docs-speculative-decoding-1.yaml': { backends: ['qwen-coder-32b-q4'], leftOut: [] },
      'docs-speculative-decoding-2.yaml': { backends: [], leftOut: ['llama-70B'] },
      'vigil-env-macros.yaml': { backends: ['qwen2.5-7b'], leftOut: [] },
    };
    for (const [file, want] of Object.entries(expected)) {
      const r = load(file);
      expect(Object.keys(r.config.backends), file).toEqual(want.backends);
      const leftOut = r.ignored.filter((l) => l.includes(': model not imported: ')).map((l) => l.split('.')[1]);
      expect(leftOut, file).toEqual(want.leftOut);
    }
  });
});

describe("llama-swap's own test cases give llama-swap's own answers", () => {
  const argvOf = (text: string, id: string, field: 'cmd' | 'stop') => {
    const r = parseConfigText(text, '/t.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const b = r.config.backends[id]!;
    const argv = field === 'cmd' ? b.cmd : b.stop.cmd!;
    return argv.map((a) => a.split('${PORT}').join(String(b.port))).join(' ');
  };

  it('macros with a model override, ${PORT} in a macro, a # line naming ${PORT}', () => {
    const text = `
startPort: 9990
macros:
  svr-path: "path/to/server"
  argOne: "--arg1"
  argTwo: "--arg2"
  autoPort: "--port \${PORT}"
  overriddenByModelMacro: failed

models:
  model1:
    macros:
      overriddenByModelMacro: success
    cmd: |
      \${svr-path} \${argTwo}
      # the automatic \${PORT} is replaced
      \${autoPort}
      \${argOne}
      --arg3 three
      --overridden \${overriddenByModelMacro}
    cmdStop: |
      /path/to/stop.sh --port \${PORT} \${argTwo}
`;
    expect(argvOf(text, 'model1', 'cmd')).toBe('path/to/server --arg2 --port 9990 --arg1 --arg3 three --overridden success');
    expect(argvOf(text, 'model1', 'stop')).toBe('/path/to/stop.sh --port 9990 --arg2');
  });

  it('${MODEL_ID} in global macros and ports in sorted model-ID order', () => {
    const text = `
startPort: 9000
macros:
  "docker-llama": docker run --name \${MODEL_ID} -p \${PORT}:8080 docker_img
  "docker-stop": docker stop \${MODEL_ID}

models:
  model1:
    cmd: /path/to/server -p \${PORT} -hf \${MODEL_ID}

  model2:
    cmd: \${docker-llama}
    cmdStop: \${docker-stop}

  author/model:F16:
    cmd: /path/to/server -p \${PORT} -hf \${MODEL_ID}
    cmdStop: stop
`;
    expect(argvOf(text, 'model1', 'cmd')).toBe('/path/to/server -p 9001 -hf model1');
    expect(argvOf(text, 'model2', 'cmd')).toBe('docker run --name model2 -p 9002:8080 docker_img');
    expect(argvOf(text, 'model2', 'stop')).toBe('docker stop model2');
    expect(argvOf(text, 'author-model-F16', 'cmd')).toBe('/path/to/server -p 9000 -hf author/model:F16');
  });

  it('YAML anchors and merge keys, as llama-swap reads them', () => {
    const text = `
defs:
  base: &base
    checkEndpoint: /v1/models
    env: ["A=1"]
models:
  m:
    <<: *base
    cmd: srv --port \${PORT}
`;
    const r = parseConfigText(text, '/t.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.backends.m).toMatchObject({ env: { A: '1' }, health: { path: '/v1/models' } });
    expect(r.ignored).toContain('defs: not a llama-swap setting (llama-swap ignores it too)');
  });
});
