// Discovery on a /proc tree the test controls: what is read when, and the
// fork/exec windows a tick may fall into.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeProc } from '../../../test-support/watch/fake-proc.js';
import { Discovery } from './discovery.js';

let proc: FakeProc;
beforeEach(() => {
  proc = new FakeProc();
  proc.add(1, { comm: 'systemd', argv: ['/sbin/init'], ppid: 0 });
  proc.add(2, { comm: 'kthreadd', argv: [], ppid: 0 });
  proc.add(50, { comm: 'kworker/0:1', argv: [], ppid: 2 });
  proc.add(100, { comm: 'bash', argv: ['-bash'], ppid: 1 });
  proc.add(110, { comm: 'ollama', argv: ['/usr/local/bin/ollama', 'serve'], ppid: 1 });
  proc.add(120, { comm: 'vim', argv: ['vim', '/etc/ollama.conf'], ppid: 100 });
});
afterEach(() => proc.cleanup());

const pids = (d: Discovery): number[] => d.scan().map((c) => c.pid);

describe('Discovery', () => {
  it('finds the servers among every process at the first scan', () => {
    const d = new Discovery({ procRoot: proc.root });
    const found = d.scan();
    expect(found.map((c) => [c.pid, c.kind])).toEqual([[110, 'ollama']]);
    expect(found[0]).toMatchObject({ ppid: 1, comm: 'ollama', argv: ['/usr/local/bin/ollama', 'serve'], defaultPort: 11434 });
  });

  it('lists /proc again only after a pid was handed out, and reads only the new pids', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    const before = { ...d.reads };
    proc.add(130, { comm: 'llama-server', argv: ['llama-server', '-m', 'q.gguf'], ppid: 100 });
    expect(pids(d)).toEqual([]); // loadavg unchanged: no listing
    expect(d.reads.listings).toBe(before.listings);
    proc.handOut(130);
    expect(pids(d)).toEqual([130]);
    expect(d.reads.listings).toBe(before.listings + 1);
    expect(d.reads.stat - before.stat).toBe(1);
    expect(d.reads.cmdline - before.cmdline).toBe(1);
  });

  it('looks again at a fork that has not exec\'d yet, and finds it once it has', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(140, { comm: 'bash', argv: ['-bash'], ppid: 100 }); // bash forked
    proc.handOut(140);
    expect(pids(d)).toEqual([]);
    proc.exec(140, { comm: 'llama-server', argv: ['/opt/llama-server', '--port', '8080'], ppid: 100 }); // no new pid for an exec
    expect(pids(d)).toEqual([140]);
    expect(pids(d)).toEqual([]); // once
  });

  it('looks again at a vfork child whose command line is still empty', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(150, { comm: 'python3', argv: [], ppid: 100 });
    proc.handOut(150);
    expect(pids(d)).toEqual([]);
    proc.exec(150, { comm: 'vllm', argv: ['python3', '/venv/bin/vllm', 'serve', 'Qwen/Qwen2.5-7B'], ppid: 100 });
    expect(d.scan().map((c) => [c.pid, c.kind, c.model])).toEqual([[150, 'vllm', 'Qwen/Qwen2.5-7B']]);
  });

  it('a fork of a server that never execs is its worker, not a second server', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(160, { comm: 'ollama', argv: ['/usr/local/bin/ollama', 'serve'], ppid: 110 });
    proc.handOut(160);
    for (let i = 0; i < 15; i++) expect(pids(d)).toEqual([]);
  });

  it('notices at the next full scan a process that exec\'d a server long after it started', () => {
    const d = new Discovery({ procRoot: proc.root, fullEvery: 5 });
    d.scan();
    proc.exec(120, { comm: 'llama-server', argv: ['llama-server', '--port', '9000'], ppid: 100 }); // vim became a server
    const found: number[] = [];
    for (let i = 0; i < 5; i++) found.push(...pids(d));
    expect(found).toEqual([120]);
  });

  it('skips Ollama\'s GPU-discovery runners and lists its model runners', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(170, { comm: 'ollama', argv: ['/usr/local/bin/ollama', 'runner', '--ollama-engine', '--port', '40233'], ppid: 110 });
    proc.add(171, { comm: 'ollama', argv: ['/usr/local/bin/ollama', 'runner', '--ollama-engine', '--model', '/blobs/sha256-1', '--port', '40234'], ppid: 110 });
    proc.handOut(171);
    expect(d.scan().map((c) => [c.pid, c.kind, c.port])).toEqual([[171, 'ollama-runner', 40234]]);
  });

  it('a rule names what the catalog does not know, and wins over the catalog', () => {
    const d = new Discovery({ procRoot: proc.root, rules: [{ name: 'tts', cmdline: 'piper_server\\.py', health: '/' }, { name: 'my ollama', exe: 'ollama', cmdline: ' serve$', health: null }] });
    proc.add(180, { comm: 'python3', argv: ['python3', '/srv/piper_server.py', '--port', '5002'], ppid: 1 });
    expect(d.scan().map((c) => [c.pid, c.kind, c.label, c.health.path])).toEqual([
      [110, 'rule', 'my ollama', null],
      [180, 'rule', 'tts', '/'],
    ]);
  });

  it('with the catalog off, only rules find servers', () => {
    expect(pids(new Discovery({ procRoot: proc.root, catalog: false }))).toEqual([]);
  });

  it('children by parent pid', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    expect(d.childrenOf(100)).toEqual([{ pid: 120, comm: 'vim' }]);
  });
});
