// Port choice across restarts and the log-tail read, without processes.
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PortChoice, readLogTail } from './port-conflict.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-port-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PortChoice', () => {
  it('an auto port is chosen once and kept across restarts until the log says it was taken', async () => {
    const p = new PortChoice('auto');
    expect(p.port).toBeNull();
    const first = await p.next();
    expect(first).toBeGreaterThan(0);
    p.use(first);
    expect(p.next()).toBe(first); // synchronous: a restart waits for nothing
    expect(p.conflict('srv  load_model: loading model\nmain: server is listening')).toBeNull();
    expect(p.next()).toBe(first);
    expect(p.conflict(`couldn't bind HTTP server socket, hostname: 127.0.0.1, port: ${first}`)).toBe(`port ${first} was in use; a new port is chosen for the next start`);
    const second = p.next();
    expect(second).toBeInstanceOf(Promise);
    expect(await second).not.toBe(first);
  });

  it('a fixed port stays, and a conflict on it says so', () => {
    const p = new PortChoice(8080);
    expect(p.next()).toBe(8080);
    expect(p.conflict('Error: listen EADDRINUSE: address already in use 127.0.0.1:8080')).toBe('port 8080 is in use by another process (fixed in config)');
    expect(p.next()).toBe(8080);
  });
});

describe('readLogTail', () => {
  it('reads from the process\'s start offset, at most `max` of the newest bytes, from 0 after a truncation, and "" for no file', () => {
    const f = path.join(dir, 'b.log');
    writeFileSync(f, 'old process output\n');
    const offset = 19;
    appendFileSync(f, 'new 1\nnew 2\n');
    expect(readLogTail(f, offset)).toBe('new 1\nnew 2\n');
    expect(readLogTail(f, offset, 6)).toBe('new 2\n');
    truncateSync(f, 0);
    appendFileSync(f, 'after rotation\n');
    expect(readLogTail(f, offset)).toBe('after rotation\n');
    expect(readLogTail(path.join(dir, 'none.log'), 0)).toBe('');
  });
});
