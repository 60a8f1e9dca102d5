import { describe, expect, it } from 'vitest';
import { buildAddBackend, EMPTY_FORM, predictRequestOf } from './backend-form.js';

describe('buildAddBackend', () => {
  it('builds the request with argv one per line', () => {
    const r = buildAddBackend({ ...EMPTY_FORM, id: 'llama', argv: '/usr/bin/llama-server\n-m\n /models/q4.gguf \n\n--port\n${PORT}', port: 'auto', memoryLimit: '8GiB' });
    expect(r).toEqual({
      ok: true,
      request: {
        id: 'llama',
        config: { cmd: ['/usr/bin/llama-server', '-m', '/models/q4.gguf', '--port', '${PORT}'], port: 'auto', health: { path: '/health' }, restart: { policy: 'on-failure' }, memoryLimit: '8GiB' },
      },
    });
  });

  it('names every bad field, with the config schema’s own messages', () => {
    const r = buildAddBackend({ id: 'bad id!', argv: '  \n', port: '70000', healthPath: 'health', policy: 'never', memoryLimit: 'lots' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['argv', 'healthPath', 'id', 'memoryLimit', 'port']);
    expect(r.errors.id).toMatch(/backend id/);
    expect(r.errors.port).toMatch(/1–65535/);
    expect(r.errors.healthPath).toMatch(/health.path: health path must start with '\/'/);
    expect(r.errors.memoryLimit).toMatch(/memoryLimit: invalid size "lots"/);
  });

  it('applies the schema’s cross-field rule: an auto port needs ${PORT} in the command', () => {
    const r = buildAddBackend({ ...EMPTY_FORM, id: 'w', argv: 'llama-server\n--port\n8080' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.port).toMatch(/\$\{PORT\}/);
  });

  it('accepts auto port without a health probe', () => {
    const r = buildAddBackend({ ...EMPTY_FORM, id: 'w', argv: 'whisper', healthPath: '' });
    expect(r.ok && r.request.config).toEqual({ cmd: ['whisper'], port: 'auto', health: { path: 'none' }, restart: { policy: 'on-failure' } });
  });
});

describe('predictRequestOf', () => {
  it('asks about the command as typed, one argument per line, with the limit when one is given', () => {
    expect(predictRequestOf({ argv: 'llama-server\n -m \n/models/q4.gguf\n\n-c\n8192', memoryLimit: ' 8G ' })).toEqual({ cmd: ['llama-server', '-m', '/models/q4.gguf', '-c', '8192'], memoryLimit: '8G' });
    expect(predictRequestOf({ argv: 'llama-server', memoryLimit: '' })).toEqual({ cmd: ['llama-server'] });
    expect(predictRequestOf({ argv: ' \n ', memoryLimit: '8G' })).toBeNull();
  });

  it('a refusing fit policy goes into the config; warn, the default, is left out', () => {
    const r = buildAddBackend({ ...EMPTY_FORM, id: 'l', argv: 'llama-server\n--port\n${PORT}', fitPolicy: 'refuse' });
    expect(r.ok && r.request.config.fit).toEqual({ policy: 'refuse' });
    const w = buildAddBackend({ ...EMPTY_FORM, id: 'l', argv: 'llama-server\n--port\n${PORT}' });
    expect(w.ok && 'fit' in w.request.config).toBe(false);
  });
});
