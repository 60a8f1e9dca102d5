import { describe, expect, it } from 'vitest';
import { goValue, modelMacros, readMacros, substituteEnv, substituteMacros } from './macros.js';

describe('llama-swap macros', () => {
  it("prints values as Go's %v does", () => {
    expect([4096, 0.7, 1, true, 'x', 1234567.5, 0.00001, 0.0001].map(goValue)).toEqual(['4096', '0.7', '1', 'true', 'x', '1.2345675e+06', '1e-05', '0.0001']);
  });

  it('substitutes ${env.NAME} in values and keys, and lists what it could not', () => {
    const r = substituteEnv({ a: '${env.HOME}/m', [`k-\${env.U}`]: ['${env.NOPE} ${env.NL}', 'q=${env.Q}'] }, { HOME: '/h', U: 'u', NL: 'a\nb', Q: 'say "hi"' });
    expect(r.value).toEqual({ a: '/h/m', 'k-u': ['${env.NOPE} ${env.NL}', 'q=say "hi"'] });
    expect(r.unresolved).toEqual([
      { path: ['k-u', 0], name: 'NOPE', why: "environment variable 'NOPE' is not set" },
      { path: ['k-u', 0], name: 'NL', why: "environment variable 'NL' contains newlines or null bytes, which llama-swap does not allow" },
    ]);
    expect(r.escaped).toEqual([{ path: ['k-u', 1], name: 'Q' }]);
  });

  it("refuses the declarations llama-swap refuses", () => {
    const r = readMacros({ ok: 1, PORT: 'x', 'bad name': 'x', self: 'a ${self}', list: [1], ['x'.repeat(64)]: 1 }, ['macros']);
    expect(r.entries).toEqual([{ name: 'ok', value: 1 }]);
    expect(r.problems.map((p) => [p.path.join('.'), p.message])).toEqual([
      ['macros.PORT', "macro name 'PORT' is reserved"],
      ['macros.bad name', "macro name 'bad name' contains invalid characters, must match pattern ^[a-zA-Z0-9_-]+$"],
      ['macros.self', "macro 'self' contains self-reference"],
      ['macros.list', "macro 'list' has invalid type, must be a scalar type (string, int, float, or bool)"],
      [`macros.${'x'.repeat(64)}`, `macro name '${'x'.repeat(64)}' exceeds maximum length of 63 characters`],
    ]);
    expect(readMacros(['a'], ['macros']).problems).toEqual([{ path: ['macros'], message: 'macros must be a mapping' }]);
  });

  it('substitutes last-declared first, so a macro may use those declared before it and not after', () => {
    const g = readMacros({ base: '/models', path: '${base}/llama', full: '${path}/model.gguf', early: '${late}', late: 'x' }, []).entries;
    expect(substituteMacros({ cmd: 'load ${full} ${early}' }, g)).toEqual({ cmd: 'load /models/llama/model.gguf ${late}' });
  });

  it("lets a model's macro replace a global one in place, and gives ${MODEL_ID} to all", () => {
    const g = readMacros({ tag: 'global', msg: 'value-${tag} of ${MODEL_ID}' }, []).entries;
    const own = readMacros({ tag: 'model-level', extra: 2 }, []).entries;
    const m = modelMacros('m1', g, own);
    expect(m.map((e) => e.name)).toEqual(['MODEL_ID', 'tag', 'msg', 'extra']);
    expect(substituteMacros({ cmd: 'echo ${msg} ${extra}' }, m)).toEqual({ cmd: 'echo value-model-level of m1 2' });
  });

  it('keeps the type of a value that is exactly one macro, and leaves mapping keys alone', () => {
    const m = readMacros({ ctx: 16384, temp: 0.7 }, []).entries;
    expect(substituteMacros({ a: '${ctx}', b: ['${temp}', '-c ${ctx}'], '${ctx}': '${ctx}x' }, m)).toEqual({ a: 16384, b: [0.7, '-c 16384'], '${ctx}': '16384x' });
  });
});
