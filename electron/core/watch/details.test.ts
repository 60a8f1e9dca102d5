import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startLateListener } from '../../../test-support/watch/servers.js';
import { ListeningCache, readPorts } from './details.js';

const servers: Server[] = [];
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  for (const c of cleanups.splice(0)) c();
});

const listen = (host: string): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    servers.push(s);
    s.listen(0, host, () => resolve((s.address() as { port: number }).port));
  });

describe('readPorts', () => {
  it('finds the ports this process listens on, IPv4 and IPv6, and drops one it closed', async () => {
    const a = await listen('127.0.0.1');
    const b = await listen('::1');
    const cache = new ListeningCache('/proc');
    const p1 = readPorts('/proc', process.pid, process.getuid!(), cache)!;
    expect(p1.inferred).toBe(false);
    expect(p1.listen).toContainEqual({ host: '127.0.0.1', port: a });
    expect(p1.listen).toContainEqual({ host: '::1', port: b });
    // One table read per round, however many servers share the namespace.
    readPorts('/proc', process.pid, process.getuid!(), cache);
    expect(cache.reads).toBe(1);

    await new Promise((r) => servers[0]!.close(r));
    const p2 = readPorts('/proc', process.pid, process.getuid!(), new ListeningCache('/proc'))!;
    expect(p2.listen.map((l) => l.port)).not.toContain(a);
    expect(p2.listen.map((l) => l.port)).toContain(b);
  });

  it('sees a socket it already held once it starts listening (bound first, listen later)', async () => {
    const s = await startLateListener('late-listener');
    cleanups.push(s.cleanup);
    const before = readPorts('/proc', s.pid, null, new ListeningCache('/proc'))!;
    expect(before.listen).toEqual([]);
    await s.listen();
    const after = readPorts('/proc', s.pid, null, new ListeningCache('/proc'))!;
    expect(after.listen).toEqual([{ host: '127.0.0.1', port: s.port }]);
  });

  it('reads no TCP table for a process without sockets, and null for a process that is gone', () => {
    const sleeper = spawn('sleep', ['30'], { stdio: 'ignore' });
    cleanups.push(() => sleeper.kill('SIGKILL'));
    const cache = new ListeningCache('/proc');
    expect(readPorts('/proc', sleeper.pid!, 0, cache)).toEqual({ listen: [], inferred: false });
    expect(cache.reads).toBe(0);
    expect(readPorts('/proc', 0x7ffffff, null, new ListeningCache('/proc'))).toBeNull();
  });
});
