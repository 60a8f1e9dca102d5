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

  it('reads nothing new while no pid is handed out, then only the pids handed out since, without listing /proc', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    const before = { ...d.reads };
    proc.add(205, { comm: 'llama-server', argv: ['llama-server', '-m', 'q.gguf'], ppid: 100 });
    expect(pids(d)).toEqual([]); // loadavg unchanged: nothing read
    expect(d.reads).toEqual(before);
    proc.handOut(206); // 201–206 handed out; only 205 still exists
    expect(pids(d)).toEqual([205]);
    expect(d.reads.listings).toBe(before.listings);
    expect(d.reads.probes - before.probes).toBe(6);
    expect(d.reads.cmdline - before.cmdline).toBe(1);
  });

  it('skips threads among the new pids (their exit signal is -1)', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(201, { comm: 'llama-server', argv: ['llama-server'], ppid: 100 });
    proc.add(202, { comm: 'llama-server', argv: ['llama-server'], ppid: 100, exitSignal: -1 }); // its thread
    proc.handOut(202);
    const before = { ...d.reads };
    expect(pids(d)).toEqual([201]);
    expect(d.reads.cmdline - before.cmdline).toBe(1);
  });

  it('lists /proc when too many pids were handed out to probe each, and after pid_max wrapped', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(5000, { comm: 'llama-server', argv: ['llama-server'], ppid: 100 });
    proc.handOut(5000);
    const before = { ...d.reads };
    expect(pids(d)).toEqual([5000]);
    expect(d.reads.listings).toBe(before.listings + 1);
    expect(d.reads.probes).toBe(before.probes);
    // Wrapped: 32761 … 32767, then 1 … 5.
    proc.handOut(32760);
    d.scan();
    proc.add(4, { comm: 'whisper-server', argv: ['whisper-server', '-m', 'w.bin'], ppid: 100 });
    proc.handOut(5);
    const b2 = { ...d.reads };
    expect(pids(d)).toEqual([4]);
    expect(d.reads.listings).toBe(b2.listings);
    expect(d.reads.probes - b2.probes).toBe(7 + 5);
  });

  it('looks again at a fork that has not exec\'d yet, and finds it once it has', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(201, { comm: 'bash', argv: ['-bash'], ppid: 100 }); // bash forked
    proc.handOut(201);
    expect(pids(d)).toEqual([]);
    proc.exec(201, { comm: 'llama-server', argv: ['/opt/llama-server', '--port', '8080'], ppid: 100 }); // no new pid for an exec
    expect(pids(d)).toEqual([201]);
    expect(pids(d)).toEqual([]); // once
  });

  it('looks again at a vfork child whose command line is still empty', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(201, { comm: 'python3', argv: [], ppid: 100 });
    proc.handOut(201);
    expect(pids(d)).toEqual([]);
    proc.exec(201, { comm: 'vllm', argv: ['python3', '/venv/bin/vllm', 'serve', 'Qwen/Qwen2.5-7B'], ppid: 100 });
    expect(d.scan().map((c) => [c.pid, c.kind, c.model])).toEqual([[201, 'vllm', 'Qwen/Qwen2.5-7B']]);
  });

  it('a fork of a server that never execs is its worker, not a second server', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(201, { comm: 'ollama', argv: ['/usr/local/bin/ollama', 'serve'], ppid: 110 });
    proc.handOut(201);
    for (let i = 0; i < 15; i++) expect(pids(d)).toEqual([]);
  });

  it('notices at the next full scan a process that exec\'d a server long after it started', () => {
    const d = new Discovery({ procRoot: proc.root, fullEvery: 5, listEvery: 5 });
    d.scan();
    proc.exec(120, { comm: 'llama-server', argv: ['llama-server', '--port', '9000'], ppid: 100 }); // vim became a server
    const found: number[] = [];
    for (let i = 0; i < 5; i++) found.push(...pids(d));
    expect(found).toEqual([120]);
  });

  it('skips Ollama\'s GPU-discovery runners and lists its model runners', () => {
    const d = new Discovery({ procRoot: proc.root });
    d.scan();
    proc.add(201, { comm: 'ollama', argv: ['/usr/local/bin/ollama', 'runner', '--ollama-engine', '--port', '40233'], ppid: 110 });
    proc.add(202, { comm: 'ollama', argv: ['/usr/local/bin/ollama', 'runner', '--ollama-engine', '--model', '/blobs/sha256-1', '--port', '40234'], ppid: 110 });
    proc.handOut(202);
    expect(d.scan().map((c) => [c.pid, c.kind, c.port])).toEqual([[202, 'ollama-runner', 40234]]);
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
