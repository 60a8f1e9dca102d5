// What the llama-swap import reports (errors with file/line/field, models it
// leaves out, keys with no meaning here), the file it writes, and a mapped
// cmdStop that really stops the process it was written for.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../../test-support/helpers.js';
import { importLlamaSwap } from './import-llama-swap.js';
import { convertLlamaSwap } from './llama-swap.js';
import { MODEL_MAPPED, TOP_MAPPED } from './llama-swap/keys.js';
import { loadConfig, parseConfigText } from './load-config.js';

const FIXTURES = path.join(import.meta.dirname, 'fixtures', 'llama-swap');
const cleanups: (() => void)[] = [];
beforeEach(() => {
  vi.stubEnv('HOME', '/home/tester');
  vi.stubEnv('LLAMA_BIN', '/opt/llama-server');
  vi.stubEnv('STOP_SIGNAL', 'TERM');
});
afterEach(() => {
  vi.unstubAllEnvs();
  cleanups.splice(0).forEach((c) => c());
});
const tmp = () => {
  const t = tempDir('vigil-ls-');
  cleanups.push(t.cleanup);
  return t.dir;
};
const issuesOf = (text: string) => {
  const r = parseConfigText(text, '/ls.yaml');
  if (r.ok) throw new Error('expected issues');
  expect(r.format).toBe('llama-swap');
  return r.issues.map((i) => ({ line: i.line, field: i.field, message: i.message }));
};

describe('llama-swap import: errors', () => {
  it('an unset environment variable that a model needs is an error at its file, line and field', () => {
    vi.stubEnv('LLAMA_BIN', undefined);
    const file = path.join(FIXTURES, 'vigil-env-macros.yaml');
    const r = parseConfigText(readFileSync(file, 'utf8'), file);
    if (r.ok) throw new Error('expected issues');
    expect(r.issues).toEqual([
      { file, line: 9, column: 10, field: 'models.qwen2.5:7b.cmd', message: "environment variable 'LLAMA_BIN' is not set (through macro 'llama')" },
    ]);
    vi.stubEnv('HOME', undefined);
    const fields = issuesOf(readFileSync(file, 'utf8')).map((i) => `${i.line} ${i.field}`);
    expect(fields).toEqual(expect.arrayContaining(['9 models.qwen2.5:7b.cmd', '16 models.qwen2.5:7b.env.0']));
  });

  it('unknown macros, ${PID} outside cmdStop, bad env entries, bad macro names and numbers', () => {
    const text = [
      'startPort: "9000"', //            1
      'macros:', //                      2
      '  "bad name": x', //              3
      'models:', //                      4
      '  a:', //                         5
      '    cmd: srv --port ${PORT} ${nope} --pid ${PID}', // 6
      '    env: ["BROKEN"]', //           7
      '    unloadTimeout: -1', //         8
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      { line: 3, field: 'macros.bad name', message: "macro name 'bad name' contains invalid characters, must match pattern ^[a-zA-Z0-9_-]+$" },
      { line: 1, field: 'startPort', message: 'startPort must be a whole number, got "9000"' },
      { line: 6, field: 'models.a.cmd', message: "unknown macro '${nope}' (define it under macros:)" },
      { line: 6, field: 'models.a.cmd', message: '${PID} is only available in cmdStop' },
      { line: 7, field: 'models.a.env.0', message: 'env entry "BROKEN" is not KEY=VALUE' },
      { line: 8, field: 'models.a.unloadTimeout', message: 'invalid unloadTimeout value -1: a whole number of seconds ≥ 0' },
    ]);
  });

  it('an unset variable where Vigil does not need it (a # line, apiKeys, an unused macro) is a note, not an error', () => {
    vi.stubEnv('NOPE', undefined);
    const r = parseConfigText('apiKeys: ["${env.NOPE}"]\nmacros:\n  unused: ${env.NOPE}\nmodels:\n  a:\n    cmd: |\n      # from ${env.NOPE}\n      srv --port ${PORT}\n', '/ls.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.ignored.filter((l) => l.includes('NOPE'))).toEqual([
      "apiKeys.0: environment variable 'NOPE' is not set: llama-swap refuses the file for this; Vigil does not need this value",
      "macros.unused: environment variable 'NOPE' is not set: llama-swap refuses the file for this; Vigil does not need this value",
      "models.a.cmd: environment variable 'NOPE' is not set: llama-swap refuses the file for this; Vigil does not need this value",
    ]);
    expect(r.config.backends.a!.cmd).toEqual(['srv', '--port', '${PORT}']);
  });
});

describe('llama-swap import: what carries over and what does not', () => {
  it('leaves out, with llama-swap’s reason, a model llama-swap cannot start', () => {
    const r = parseConfigText(
      'models:\n  ok:\n    cmd: srv --port ${PORT}\n  nocmd:\n    ttl: 5\n  comments:\n    cmd: |\n      # ${x}\n  fixed:\n    cmd: srv --port 9001\n  str: hello\n',
      '/ls.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(Object.keys(r.config.backends)).toEqual(['ok']);
    expect(r.ignored).toEqual([
      'models.nocmd.cmd: model not imported: no cmd: llama-swap has nothing to start',
      'models.comments.cmd: model not imported: cmd is empty once its comment lines are dropped (llama-swap cannot start it: empty command)',
      'models.fixed.cmd: model not imported: cmd has no ${PORT} and there is no proxy: port unknown (llama-swap refuses it: its default proxy uses ${PORT})',
      'models.str: model not imported: a model must be a mapping with at least cmd:',
    ]);
  });

  it('every key of config.example.yaml either becomes something in Vigil or is reported with why not', () => {
    const raw = parse(readFileSync(path.join(FIXTURES, 'config.example.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    const conv = convertLlamaSwap(raw, { HOME: '/home/tester' });
    const reported = new Set(conv.notes.map((n) => n.path.slice(0, n.path[0] === 'models' ? 3 : 1).join('.')));
    for (const k of Object.keys(raw)) expect(k in TOP_MAPPED || reported.has(k), k).toBe(true);
    for (const [id, m] of Object.entries(raw.models!)) {
      for (const k of Object.keys(m as object)) expect(k in MODEL_MAPPED || reported.has(`models.${id}.${k}`) || reported.has(`models.${id}.cmd`) || reported.has(`models.${id}.proxy`), `${id}.${k}`).toBe(true);
    }
    const byPath = Object.fromEntries(conv.notes.map((n) => [n.path.join('.'), n]));
    expect(byPath.peers).toMatchObject({ kind: 'ignored', message: expect.stringMatching(/remote servers/) });
    expect(byPath['models.gpt-oss-120b.ttl']).toMatchObject({ kind: 'ignored', message: expect.stringMatching(/never stops a backend for being idle/) });
    expect(byPath['hooks.on_startup.preload.0']).toMatchObject({ kind: 'note', message: "'llama' is neither a model nor an alias; llama-swap skips it too" });
    expect(byPath['models.unlisted-model.cmd']).toMatchObject({ kind: 'left-out' });
  });

  it('preload may name an alias or a setParamsByID key; proxy paths prefix the health path', () => {
    const r = parseConfigText(
      'hooks:\n  on_startup:\n    preload: [" fast ", "m2:high"]\nmodels:\n  m1:\n    cmd: a --port ${PORT}\n    aliases: [fast]\n    proxy: http://127.0.0.1:${PORT}/api\n  m2:\n    cmd: b --port ${PORT}\n    checkEndpoint: none\n    filters:\n      setParamsByID:\n        "${MODEL_ID}:high": {}\n',
      '/ls.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.config.backends.m1).toMatchObject({ autostart: true, port: 5800, health: { path: '/api/health' } });
    expect(r.config.backends.m2).toMatchObject({ autostart: true, port: 5801, health: { path: null } });
  });
});

describe('importLlamaSwap', () => {
  it('writes a Vigil file that loads to the same backends, with the report in its header', async () => {
    const dir = tmp();
    const src = path.join(FIXTURES, 'config.example.yaml');
    const dest = path.join(dir, 'vigil', 'config.yaml');
    const r = await importLlamaSwap(src, dest);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.backends).toEqual(['gpt-oss-120b', 'docker-llama']);
    expect(r.notes.find((n) => n.field === 'models.unlisted-model.cmd')).toMatchObject({ file: src, line: 464, kind: 'left-out' });
    expect(r.notes.find((n) => n.field === 'logLevel')).toMatchObject({ line: 27, kind: 'ignored' });
    const text = readFileSync(dest, 'utf8');
    expect(text).toMatch(/^# Imported by Vigil from /);
    expect(text).toContain('#   line 464: models.unlisted-model.cmd: cmd has no ${PORT} and there is no proxy');
    expect(text).toContain("#   line 301: models.gpt-oss-120b.ttl: unloads the model when idle");
    const loaded = await loadConfig(dest);
    const direct = parseConfigText(readFileSync(src, 'utf8'), src);
    if (!loaded.ok || !direct.ok) throw new Error('both should load');
    expect(loaded.format).toBe('vigil');
    expect(loaded.config.backends).toEqual(direct.config.backends);
    expect(await importLlamaSwap(src, dest)).toMatchObject({ ok: false, issues: [{ message: expect.stringMatching(/refusing to overwrite/) }] });
    expect((await importLlamaSwap(dest, path.join(dir, 'x.yaml'))).ok).toBe(false);
  });

  it('refuses a file none of whose models can be imported, saying why for each', async () => {
    const src = path.join(FIXTURES, 'docs-speculative-decoding-2.yaml');
    const r = await importLlamaSwap(src, path.join(tmp(), 'c.yaml'));
    expect(r).toEqual({ ok: false, issues: [{ file: src, line: 3, column: null, field: 'models.llama-70B.cmd', message: expect.stringMatching(/^cmd has no \$\{PORT\} and there is no proxy/) }] });
  });

  it('maps cmdStop to a stop command that, run as the supervisor runs it, stops the process', async () => {
    const dir = tmp();
    const mark = path.join(dir, 'stopped-by');
    const src = path.join(dir, 'llama-swap.yaml');
    // The model is a Node process that idles; cmdStop records ${PID} and ${PORT} and sends it SIGTERM.
    writeFileSync(
      src,
      [
        'macros:',
        `  node: ${JSON.stringify(process.execPath)}`,
        `  mark: ${JSON.stringify(mark)}`,
        'models:',
        '  idler:',
        '    cmd: |',
        '      # ${node} runs the model',
        '      ${node} -e "setInterval(() => {}, 1000)" -- --port ${PORT}',
        '    checkEndpoint: none',
        '    cmdStop: |',
        '      ${node} -e "require(\'fs\').writeFileSync(process.argv[1], process.argv[2] + \' \' + process.argv[3]); process.kill(Number(process.argv[2]), \'SIGTERM\')"',
        '      ${mark} ${PID} ${PORT}',
      ].join('\n'),
    );
    const dest = path.join(dir, 'config.yaml');
    const r = await importLlamaSwap(src, dest);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    const loaded = await loadConfig(dest);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.issues));
    const b = loaded.config.backends.idler!;
    expect(b.stop.cmd).toEqual([process.execPath, '-e', expect.stringContaining('process.kill'), mark, '${PID}', '${PORT}']);

    const fill = (argv: string[], pid: number) => argv.map((a) => a.split('${PID}').join(String(pid)).split('${PORT}').join(String(b.port)));
    const model = spawn(b.cmd[0]!, fill(b.cmd, 0).slice(1), { stdio: 'ignore' });
    cleanups.push(() => model.kill('SIGKILL'));
    const exited = new Promise<NodeJS.Signals | null>((res) => model.on('exit', (_code, sig) => res(sig)));
    const stop = spawn(b.stop.cmd![0]!, fill(b.stop.cmd!, model.pid!).slice(1), { stdio: 'inherit' });
    const stopCode = await new Promise<number | null>((res) => stop.on('exit', (code) => res(code)));
    expect(stopCode).toBe(0);
    expect(await exited).toBe('SIGTERM');
    expect(readFileSync(mark, 'utf8')).toBe(`${model.pid} ${b.port}`);
  });
});
