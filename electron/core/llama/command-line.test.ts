// One answer to "is this llama-server?" and one reading of its flags: the
// llama feed (log and API), the fit prediction and the watch catalog agree
// on every command below, a repeated flag's last value included.
import { describe, expect, it } from 'vitest';
import { fakeBackend } from '../../../test-support/supervisor-harness.js';
import { apiKeyOf, isLlamaBackend } from '../feeds/llama/llama-backend.js';
import { parseServerArgs } from '../fit/index.js';
import { classify } from '../watch/index.js';
import { isLlamaServerCommand, isLlamaServerProgram, lastFlagValue } from './command-line.js';

const NOT_LLAMA = /not llama-server/;

/** What each reader says of a configured command: the llama feed, fit (is it refused as another program?) and, for a process, the catalog. */
function answers(cmd: string[], llama: boolean | null = null): { feed: boolean; fit: boolean; catalog: boolean } {
  const parsed = parseServerArgs(cmd, { llama, cwd: '/models' });
  return {
    feed: isLlamaBackend({ ...fakeBackend('x', []), cmd, llama }),
    fit: parsed.ok || !NOT_LLAMA.test(parsed.why),
    catalog: classify({ argv: cmd })?.kind === 'llama-server',
  };
}

describe('is this llama-server?', () => {
  const named = [['llama-server', '-m', 'a.gguf'], ['/opt/llama.cpp/build/bin/llama-server', '-m', 'a.gguf'], ['llama-server.exe', '-m', 'a.gguf'], ['Llama-Server', '-m', 'a.gguf']];
  for (const cmd of named) {
    it(`${cmd[0]}: yes, to all three`, () => {
      expect(answers(cmd)).toEqual({ feed: true, fit: true, catalog: true });
    });
  }

  for (const cmd of [['ollama', 'serve'], ['llama-cli', '-m', 'a.gguf'], ['/usr/bin/sleep', '60']]) {
    it(`${cmd[0]}: no, to all three`, () => {
      expect(answers(cmd)).toEqual({ feed: false, fit: false, catalog: false });
    });
  }

  it('a wrapper the config calls llama-server (llama: true) gets log parsing and a fit prediction alike', () => {
    const cmd = ['/usr/local/bin/run-llama.sh', '-m', 'a.gguf'];
    const { feed, fit } = answers(cmd, true);
    expect({ feed, fit }).toEqual({ feed: true, fit: true });
    // llama: false turns both off for a command named llama-server.
    const off = answers(['llama-server', '-m', 'a.gguf'], false);
    expect({ feed: off.feed, fit: off.fit }).toEqual({ feed: false, fit: false });
  });

  it('the program test and the command test are the same rule', () => {
    expect(isLlamaServerCommand(['llama-server'])).toBe(isLlamaServerProgram('llama-server'));
    expect(isLlamaServerCommand(['x'], true)).toBe(true);
    expect(isLlamaServerProgram(undefined)).toBe(false);
  });
});

describe('a repeated flag: the last value wins, as llama.cpp reads it', () => {
  const cmd = ['llama-server', '-m', 'first.gguf', '--port', '8081', '--api-key', 'k1', '-m', 'second.gguf', '--port', '8082', '--api_key', 'k2'];

  it('the catalog, fit and the llama feed read the same model, port and key', () => {
    const watched = classify({ argv: cmd });
    expect(watched).toMatchObject({ kind: 'llama-server', model: 'second.gguf', port: 8082 });
    const parsed = parseServerArgs(cmd, { cwd: '/models' });
    expect(parsed.ok && parsed.settings.model).toBe('/models/second.gguf');
    expect(apiKeyOf({ ...fakeBackend('x', []), cmd }, {})).toBe('k2');
  });

  it('lastFlagValue: `_` reads as `-` in a long flag; `--flag=V` is read too; absent is null', () => {
    expect(lastFlagValue(['--ctx_size', '4', '--ctx-size', '8'], '--ctx-size')).toBe('8');
    expect(lastFlagValue(['--port=9000'], '--port')).toBe('9000');
    expect(lastFlagValue(['--port'], '--port')).toBeNull();
    expect(lastFlagValue([], '-m')).toBeNull();
  });
});
