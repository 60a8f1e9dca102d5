import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/helpers.js';
import { PYTHON } from '../../../test-support/watch/servers.js';
import { parseCgroup, parseListening, readCmdline, readListenTable, readListening, socketInodes } from './proc-info.js';
import { parseStat } from './stat.js';

let server: Server | null = null;
afterEach(() => {
  server?.close();
  server = null;
});

describe('parseStat', () => {
  it('counts fields from the last ")" so a comm with spaces and parentheses parses', () => {
    const line = '41233 (llama (x) srv) Z 40990 40990 40990 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123456 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';
    expect(parseStat(line)).toEqual({ pid: 41233, comm: 'llama (x) srv', state: 'Z', ppid: 40990, pgrp: 40990, session: 40990, startTime: 123456, rssPages: 0, exitSignal: 17 });
    // A thread that is not its group's leader signals nobody when it ends.
    expect(parseStat(line.replace(' 17 1 0 0 0 0 0', ' -1 1 0 0 0 0 0'))?.exitSignal).toBe(-1);
    expect(parseStat('garbage')).toBeNull();
  });
});

describe('parseCgroup', () => {
  it('finds a system unit and the memory cgroup on cgroup v1', () => {
    const text = '12:memory:/system.slice/ollama.service\n11:pids:/system.slice/ollama.service\n1:name=systemd:/system.slice/ollama.service\n0::/system.slice/ollama.service\n';
    expect(parseCgroup(text)).toEqual({ unit: { name: 'ollama.service', scope: 'system', uid: null }, memcg: '/system.slice/ollama.service' });
  });

  it('finds a user unit under user@UID.service on cgroup v2', () => {
    expect(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/llama-swap.service\n')).toEqual({
      unit: { name: 'llama-swap.service', scope: 'user', uid: 1000 },
      memcg: '/user.slice/user-1000.slice/user@1000.service/app.slice/llama-swap.service',
    });
  });

  it('gives no unit for a terminal scope or the user manager itself', () => {
    expect(parseCgroup('0::/user.slice/user-1000.slice/session-2.scope\n').unit).toBeNull();
    expect(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-1.scope\n').unit).toBeNull();
    expect(parseCgroup('0::/user.slice/user-1000.slice/user@1000.service/init.scope\n').unit).toBeNull();
  });

  it('reads a docker container as no unit, with its memory cgroup', () => {
    expect(parseCgroup('0::/system.slice/docker-0123abcd.scope\n')).toEqual({ unit: null, memcg: '/system.slice/docker-0123abcd.scope' });
  });
});

describe('listening sockets', () => {
  it('parses LISTEN rows of tcp and tcp6 and skips the others', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 81234 1 0000000000000000 100 0 0 10 0',
      '   1: 00000000:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   998        0 5555 1 0000000000000000 100 0 0 10 0',
      '   2: 0100007F:B100 0100007F:A2C9 06 00000000:00000000 03:000011C0 00000000     0        0 0 3 0000000000000000',
    ].join('\n');
    expect(parseListening(tcp, false)).toEqual([
      { host: '127.0.0.1', port: 8080, inode: 81234, uid: 1000 },
      { host: '0.0.0.0', port: 11434, inode: 5555, uid: 998 },
    ]);
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000000000000:04D2 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1 0000000000000000 100 0 0 10 0',
      '   1: 00000000000000000000000001000000:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 778 1 0000000000000000 100 0 0 10 0',
      '   2: 0000000000000000FFFF00000100007F:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 779 1 0000000000000000 100 0 0 10 0',
    ].join('\n');
    expect(parseListening(tcp6, true).map((s) => `${s.host}|${s.port}`)).toEqual(['::|1234', '::1|8081', '::ffff:127.0.0.1|8082']);
  });

  it('matches a real listening socket to this process by its inode', async () => {
    server = createServer();
    const port = await new Promise<number>((resolve) => server!.listen(0, '127.0.0.1', () => resolve((server!.address() as { port: number }).port)));
    const socks = readListening('/proc', process.pid).filter((s) => s.port === port);
    expect(socks).toHaveLength(1);
    expect(socks[0]!.host).toBe('127.0.0.1');
    const inodes = socketInodes('/proc', process.pid);
    expect(inodes).toBeInstanceOf(Set);
    expect((inodes as Set<number>).has(socks[0]!.inode)).toBe(true);
  });

  it('reads every listener of a table longer than one read (the kernel hands it out a page at a time)', async () => {
    // ~150 bytes a row: 80 listeners fill about three pages before any connection is printed.
    const many: Server[] = [];
    try {
      const ports = await Promise.all(
        Array.from({ length: 80 }, () => new Promise<number>((resolve) => {
          const s = createServer();
          many.push(s);
          s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port));
        })),
      );
      const found = new Set(readListenTable(`/proc/${process.pid}/net/tcp`, false)!.map((s) => s.port));
      expect(ports.filter((p) => !found.has(p))).toEqual([]);
      // sock_diag, which readListening asks for this namespace, agrees.
      const diag = new Set(readListening('/proc', process.pid).map((s) => s.port));
      expect(ports.filter((p) => !diag.has(p))).toEqual([]);
    } finally {
      for (const s of many) s.close();
    }
  });

  it('reads a command line argument by argument (spaces kept), and null for a pid that does not exist', async () => {
    const argv = ['-c', 'import time; time.sleep(30)', 'a b', ''];
    const child = spawn(PYTHON, argv, { stdio: 'ignore' });
    try {
      // Right after fork (vfork) and before exec the kernel shows an empty command line.
      await waitFor(() => readCmdline('/proc', child.pid!)?.[0] === PYTHON, 15_000, 'python to exec');
      expect(readCmdline('/proc', child.pid!)).toEqual([PYTHON, ...argv]);
    } finally {
      child.kill('SIGKILL');
    }
    expect(readCmdline('/proc', 0x7ffffff)).toBeNull();
  });
});
