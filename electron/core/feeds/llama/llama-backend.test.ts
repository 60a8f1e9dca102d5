import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../../../test-support/helpers.js';
import { fakeBackend } from '../../../../test-support/supervisor-harness.js';
import { apiKeyOf, isLlamaBackend } from './llama-backend.js';

const cfg = (cmd: string[], over: Parameters<typeof fakeBackend>[2] = {}) => fakeBackend('llm', [], { cmd, ...over });
const tmp = tempDir('vigil-llama-key-');
afterAll(() => tmp.cleanup());

describe('which backends are llama-servers', () => {
  it.each([
    [['llama-server', '-m', 'x.gguf'], true],
    [['/opt/llama.cpp/build/bin/llama-server', '--port', '8080'], true],
    [['C:\\llama\\llama-server.exe'], false], // a Windows path is one name on Linux: set `llama: true`
    [['llama-server.exe'], true],
    [['python3', '-m', 'vllm.entrypoints.openai.api_server'], false],
    [['docker', 'run', 'ghcr.io/ggml-org/llama.cpp:server'], false],
    [['llama-cli', '-m', 'x.gguf'], false],
  ])('%j → %s', (cmd, is) => expect(isLlamaBackend(cfg(cmd))).toBe(is));

  it('the config forces it either way', () => {
    expect(isLlamaBackend(cfg(['docker', 'run', 'llama'], { llama: true }))).toBe(true);
    expect(isLlamaBackend(cfg(['llama-server'], { llama: false }))).toBe(false);
    expect(isLlamaBackend(cfg(['llama-server'], { llama: null }))).toBe(true);
  });
});

describe('the API key a server was started with', () => {
  it('from --api-key (the last given; the first of a comma list), --api-key=, or LLAMA_API_KEY', () => {
    expect(apiKeyOf(cfg(['llama-server', '--api-key', 'a', '--api-key', 'b,c']), {})).toBe('b');
    expect(apiKeyOf(cfg(['llama-server', '--api-key=k1']), {})).toBe('k1');
    expect(apiKeyOf(cfg(['llama-server'], { env: { LLAMA_API_KEY: ' k2 ' } }), {})).toBe('k2');
    expect(apiKeyOf(cfg(['llama-server']), { LLAMA_API_KEY: 'inherited' })).toBe('inherited');
    expect(apiKeyOf(cfg(['llama-server', '-m', 'x']), {})).toBeNull();
    // The program's own name is not a flag.
    expect(apiKeyOf(cfg(['--api-key', 'x']), {})).toBeNull();
  });

  it("from a key file (relative to the backend's cwd), skipping comments; null when it cannot be read", () => {
    writeFileSync(path.join(tmp.dir, 'keys.txt'), '# keys\n\nsecret-1\nsecret-2\n');
    expect(apiKeyOf(cfg(['llama-server', '--api-key-file', 'keys.txt'], { cwd: tmp.dir }), {})).toBe('secret-1');
    expect(apiKeyOf(cfg(['llama-server'], { env: { LLAMA_ARG_API_KEY_FILE: path.join(tmp.dir, 'keys.txt') } }), {})).toBe('secret-1');
    expect(apiKeyOf(cfg(['llama-server', '--api-key-file', path.join(tmp.dir, 'none.txt')]), {})).toBeNull();
  });
});
