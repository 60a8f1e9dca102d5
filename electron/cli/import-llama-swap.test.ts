// `vigil import-llama-swap` as a real child process, in the environment it
// resolves ${env.…} from: its report on stdout, its errors on stderr.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/helpers.js';

const CLI = path.resolve(import.meta.dirname, 'vigil.ts');
const FIXTURES = path.resolve(import.meta.dirname, '../core/config/fixtures/llama-swap');
const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((c) => c()));

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise((res) => child.on('exit', (code) => res({ code, out, err })));
}

describe('vigil import-llama-swap', () => {
  it("imports llama-swap's config.example.yaml and reports every key that did not carry over, with its line", async () => {
    const t = tempDir('vigil-cli-ls-');
    cleanups.push(t.cleanup);
    const src = path.join(FIXTURES, 'config.example.yaml');
    const dest = path.join(t.dir, 'config.yaml');
    const env = { PATH: process.env.PATH, HOME: '/home/tester' };
    const r = await run(['import-llama-swap', src, dest], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toBe(`wrote ${dest} with 2 backend(s): gpt-oss-120b, docker-llama`);
    expect(lines).toContain('Models not imported (llama-swap cannot start them as written):');
    expect(lines).toContain('  line 464: models.unlisted-model.cmd: cmd has no ${PORT} and there is no proxy: port unknown (llama-swap refuses it: its default proxy uses ${PORT})');
    expect(lines).toContain("  line 27: logLevel: llama-swap's own logging; Vigil keeps each backend's output in its log");
    expect(lines).toContain("  line 161: apiKeys.2: environment variable 'API_KEY_1' is not set: llama-swap refuses the file for this; Vigil does not need this value");
    expect(existsSync(dest)).toBe(true);
  });

  it('names file, line, column and field of an unset variable a model needs, and writes nothing', async () => {
    const t = tempDir('vigil-cli-ls-');
    cleanups.push(t.cleanup);
    const src = path.join(FIXTURES, 'vigil-env-macros.yaml');
    const dest = path.join(t.dir, 'config.yaml');
    const r = await run(['import-llama-swap', src, dest], { PATH: process.env.PATH, HOME: '/home/tester', STOP_SIGNAL: 'TERM' });
    expect(r.code).toBe(1);
    expect(r.err).toBe(`vigil import-llama-swap: ${src}:9:10 models.qwen2.5:7b.cmd: environment variable 'LLAMA_BIN' is not set (through macro 'llama')\n`);
    expect(existsSync(dest)).toBe(false);
  });
});
