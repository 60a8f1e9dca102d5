import { describe, expect, it } from 'vitest';
import { buildAddBackend, EMPTY_FORM } from './backend-form.js';

describe('buildAddBackend', () => {
  it('builds the request with argv one per line', () => {
    const r = buildAddBackend({ ...EMPTY_FORM, id: 'llama', argv: '/usr/bin/llama-server\n-m\n /models/q4.gguf \n\n--port\n${PORT}', port: '8080', memoryLimit: '8GiB' });
    expect(r).toEqual({
      ok: true,
      request: {
        id: 'llama',
        config: { cmd: ['/usr/bin/llama-server', '-m', '/models/q4.gguf', '--port', '${PORT}'], port: 8080, health: { path: '/health' }, restart: { policy: 'on-failure' }, memoryLimit: '8GiB' },
      },
    });
  });

  it('names every bad field', () => {
    const r = buildAddBackend({ id: 'bad id!', argv: '  \n', port: '70000', healthPath: 'health', policy: 'never', memoryLimit: 'lots' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['argv', 'healthPath', 'id', 'memoryLimit', 'port']);
    expect(r.errors.id).toMatch(/backend id/);
    expect(r.errors.port).toMatch(/1–65535/);
  });

  it('accepts auto port and no health probe', () => {
    const r = buildAddBackend({ ...EMPTY_FORM, id: 'w', argv: 'whisper', healthPath: '' });
    expect(r.ok && r.request.config).toEqual({ cmd: ['whisper'], port: 'auto', health: { path: null }, restart: { policy: 'on-failure' } });
  });
});
