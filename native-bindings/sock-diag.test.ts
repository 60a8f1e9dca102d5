import { readdirSync, readlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listeningTcp } from './sock-diag.js';

const open: (Server | Socket)[] = [];
afterEach(() => {
  for (const s of open.splice(0)) {
    if ('destroy' in s) s.destroy();
    else s.close();
  }
});

const listen = (host: string): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer((c) => open.push(c));
    open.push(s);
    s.listen(0, host, () => resolve((s.address() as { port: number }).port));
  });

const mySocketInodes = (): Set<number> => {
  const out = new Set<number>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const t = readlinkSync(`/proc/self/fd/${fd}`);
      if (t.startsWith('socket:[')) out.add(Number(t.slice(8, -1)));
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
};

describe('listeningTcp (sock_diag)', () => {
  it("lists this process's IPv4 and IPv6 listeners with their inodes, and no connected socket", async () => {
    const a = await listen('127.0.0.1');
    const b = await listen('::1');
    const any6 = await listen('::');
    const client = connect({ host: '127.0.0.1', port: a });
    open.push(client);
    await new Promise((r) => client.once('connect', r));
    const all = listeningTcp();
    expect(all).not.toBeNull();
    const mine = all!.filter((l) => mySocketInodes().has(l.inode));
    expect(mine.map((l) => `${l.host}|${l.port}|${l.family}`).sort()).toEqual([`127.0.0.1|${a}|4`, `::1|${b}|6`, `::|${any6}|6`].sort());
    expect(mine.every((l) => l.uid === process.getuid!())).toBe(true);
    // The connected client and the accepted end are not listeners.
    expect(all!.filter((l) => l.port === client.localPort)).toEqual([]);
  });

  it('drops a listener once it is closed', async () => {
    const a = await listen('127.0.0.1');
    expect(listeningTcp()!.some((l) => l.port === a)).toBe(true);
    const s = open.pop() as Server;
    await new Promise((r) => s.close(r));
    expect(listeningTcp()!.some((l) => l.port === a)).toBe(false);
  });
});
