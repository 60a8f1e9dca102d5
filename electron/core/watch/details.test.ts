import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ListeningCache, readPorts } from './details.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

const listen = (host: string): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    servers.push(s);
    s.listen(0, host, () => resolve((s.address() as { port: number }).port));
  });

describe('readPorts', () => {
  it('finds the ports this process listens on, and reads the TCP tables again only when it has a new socket', async () => {
    const a = await listen('127.0.0.1');
    const first = new ListeningCache('/proc');
    const p1 = readPorts('/proc', process.pid, process.getuid!(), first)!;
    expect(first.reads).toBe(1);
    expect(p1.inferred).toBe(false);
    expect(p1.listen).toContainEqual({ host: '127.0.0.1', port: a });

    const again = new ListeningCache('/proc');
    const p2 = readPorts('/proc', process.pid, process.getuid!(), again, p1)!;
    expect(again.reads).toBe(0); // no new socket: the ports stand
    expect(p2.listen).toEqual(p1.listen);

    const b = await listen('::1');
    const third = new ListeningCache('/proc');
    const p3 = readPorts('/proc', process.pid, process.getuid!(), third, p2)!;
    expect(third.reads).toBe(1);
    expect(p3.listen).toContainEqual({ host: '::1', port: b });

    servers[0]!.close(); // a listening socket went away
    await new Promise((r) => setTimeout(r, 20));
    const fourth = new ListeningCache('/proc');
    const p4 = readPorts('/proc', process.pid, process.getuid!(), fourth, p3)!;
    expect(fourth.reads).toBe(1);
    expect(p4.listen.map((l) => l.port)).not.toContain(a);
  });

  it('null for a process that is gone', () => {
    expect(readPorts('/proc', 0x7ffffff, null, new ListeningCache('/proc'))).toBeNull();
  });
});
