import { describe, expect, it } from 'vitest';
import type { WatchEvent, WatchedServer } from '../../../common/watch.js';
import { watchedView } from '../../../../test-support/watch/views.js';
import { adoptedBackend, adoptedId, envDifference, resolvedArgv } from './watch-adopt.js';
import { watchEventDraft } from './watch-feed.js';

describe('adopting a watched server', () => {
  it('names the backend after the server and its port, unique among the backends', () => {
    const s = { label: 'llama-server', comm: 'llama-server' };
    expect(adoptedId(s, 8080, new Set())).toBe('llama-server-8080');
    expect(adoptedId(s, 8080, new Set(['llama-server-8080', 'llama-server-8080-2']))).toBe('llama-server-8080-3');
    expect(adoptedId({ label: 'LM Studio', comm: 'llmster' }, null, new Set())).toBe('lm-studio');
    expect(adoptedId({ label: '…', comm: '' }, null, new Set())).toBe('server');
  });

  it('carries only the environment that differs from Vigil’s, without a shell’s per-process noise', () => {
    expect(envDifference({ PATH: '/usr/bin', CUDA_VISIBLE_DEVICES: '1', HOME: '/root', _: '/usr/bin/llama-server', PWD: '/srv', SHLVL: '2' }, { PATH: '/usr/bin', HOME: '/home/me' })).toEqual({
      CUDA_VISIBLE_DEVICES: '1',
      HOME: '/root',
    });
    expect(envDifference(null, {})).toEqual({});
  });

  it('names the program by the path it ran from when its command line gave a bare name', () => {
    expect(resolvedArgv(['llama-server', '-m', 'x.gguf'], '/opt/llama/bin/llama-server')).toEqual(['/opt/llama/bin/llama-server', '-m', 'x.gguf']);
    expect(resolvedArgv(['./llama-server'], '/opt/llama/bin/llama-server')).toEqual(['./llama-server']);
    // An interpreter's exe is not the program the command line names.
    expect(resolvedArgv(['vllm', 'serve', 'm'], '/usr/bin/python3.11')).toEqual(['vllm', 'serve', 'm']);
    expect(resolvedArgv(['llama-server'], null)).toEqual(['llama-server']);
  });

  it('a backend on its port with its kind’s health path; a rule’s server, or one without a port, is judged by its process', () => {
    const s = watchedView({ cmdline: ['/opt/llama-server', '--port', '8080'], exe: '/opt/llama-server' });
    const spec = { argv: s.cmdline, cwd: '/srv', env: { ...process.env, GGML_CUDA: '1' } as Record<string, string>, port: 8080, health: '/health' };
    expect(adoptedBackend(s, spec, process.env)).toEqual({
      name: 'llama-server :8080 (adopted)', cmd: ['/opt/llama-server', '--port', '8080'], cwd: '/srv', env: { GGML_CUDA: '1' }, port: 8080, health: { path: '/health' }, autostart: true,
    });
    expect(adoptedBackend({ ...s, kind: 'rule', label: 'my-api' }, spec, process.env)).toMatchObject({ port: 8080, health: { path: 'none' } });
    expect(adoptedBackend(s, { ...spec, port: null, env: null, cwd: null }, process.env)).toEqual({ name: 'llama-server (adopted)', cmd: s.cmdline, health: { path: 'none' }, autostart: true });
  });
});

describe('watch events in the journal', () => {
  const ev = (kind: WatchEvent['kind'], over: Partial<WatchedServer> = {}): WatchEvent => {
    const server = watchedView(over);
    return { kind, time: 1, id: server.id, pid: server.pid, reason: `${kind} line`, server };
  };

  it('an OOM kill is an oom event carrying the kill; the rest are watch events naming the server', () => {
    const kill = { id: 'k1', pid: 41233, comm: 'llama-server', killer: 'kernel' } as WatchedServer['lastOom'];
    expect(watchEventDraft(ev('oom', { lastOom: kill }), false)).toEqual({ kind: 'oom', reason: 'oom line', pid: 41233, oom: kill, details: { watched: 'w-41233-1000', event: 'oom', label: 'llama-server', kind: 'llama-server' } });
    expect(watchEventDraft(ev('zombie'), false)).toEqual({ kind: 'watch', reason: 'zombie line', pid: 41233, details: { watched: 'w-41233-1000', event: 'zombie', label: 'llama-server', kind: 'llama-server' } });
  });

  it('an exit the user asked for says so', () => {
    expect(watchEventDraft(ev('exited'), true)).toMatchObject({ kind: 'watch', reason: "llama-server 41233 exited after Vigil's stop, as asked", details: { requested: true } });
    expect(watchEventDraft(ev('exited'), false).reason).toBe('exited line');
  });
});
