import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { classify, portOf, programOf } from './catalog.js';

interface Case {
  from: string;
  argv: string[];
  exe?: string;
  kind: string | null;
  model?: string | null;
  port?: number | null;
  transient?: boolean;
}
const { cases } = JSON.parse(readFileSync(new URL('./fixtures/catalog-cases.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe('catalog', () => {
  it.each(cases.map((c) => [c.from, c] as const))('%s', (_from, c) => {
    const m = classify({ argv: c.argv, exe: c.exe ?? null });
    expect(m?.kind ?? null).toBe(c.kind);
    if (!m) return;
    if (c.model !== undefined) expect(m.model).toBe(c.model);
    if (c.port !== undefined) expect(m.port).toBe(c.port);
    if (c.transient !== undefined) expect(m.transient).toBe(c.transient);
  });

  it('covers every kind the catalog knows', () => {
    const kinds = new Set(cases.map((c) => c.kind).filter(Boolean));
    for (const k of ['llama-server', 'ollama', 'ollama-runner', 'lemonade', 'llama-swap', 'lm-studio', 'vllm', 'koboldcpp', 'whisper-server', 'sd-server']) expect(kinds).toContain(k);
  });

  it('looks through an interpreter to its script or module, skipping its options', () => {
    expect(programOf({ argv: ['python3', '-u', '-X', 'dev', '/srv/koboldcpp.py', '--port', '1'] })).toEqual({ name: 'koboldcpp', args: ['--port', '1'], module: null });
    expect(programOf({ argv: ['python3.11', '-m', 'vllm.entrypoints.openai.api_server', '--model', 'm'] })?.module).toBe('vllm.entrypoints.openai.api_server');
    expect(programOf({ argv: ['node'] })).toBeNull();
  });

  it('reads ports in the forms servers accept', () => {
    expect(portOf('8080')).toBe(8080);
    expect(portOf(':8080')).toBe(8080);
    expect(portOf('0.0.0.0:5349')).toBe(5349);
    expect(portOf('[::]:11434')).toBe(11434);
    expect(portOf('localhost')).toBeNull();
    expect(portOf('70000')).toBeNull();
  });
});
