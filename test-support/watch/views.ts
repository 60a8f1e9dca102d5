// A WatchedServer with every field filled, for tests of the pure rules
// (actions, wording, attribution) that take views rather than processes.
import type { WatchedServer } from '../../electron/common/watch.js';

export function watchedView(over: Partial<WatchedServer> = {}): WatchedServer {
  const pid = over.pid ?? 41233;
  return {
    id: `w-${pid}-1000`,
    kind: 'llama-server',
    label: 'llama-server',
    rule: null,
    pid,
    startTime: 1000,
    startedAt: 1_700_000_000_000,
    comm: 'llama-server',
    exe: '/opt/llama.cpp/bin/llama-server',
    cmdline: ['/opt/llama.cpp/bin/llama-server', '-m', '/models/q.gguf', '--port', '8080'],
    uid: 1000,
    listen: [{ host: '127.0.0.1', port: 8080 }],
    listenInferred: false,
    unit: null,
    cgroup: '/user.slice/user-1000.slice/session-2.scope',
    manager: { pid: 40990, comm: 'lemond', watchedId: null },
    children: [],
    model: '/models/q.gguf',
    apiModels: [],
    status: 'running',
    since: 1_700_000_000_000,
    exitedAt: null,
    exitSeenLive: false,
    zombieSince: null,
    zombieParent: null,
    reapedBy: null,
    healthDetail: 'HTTP 200 /health',
    healthAt: 1_700_000_000_000,
    lastOom: null,
    memory: { rss: 1 << 30, processes: 1 },
    oomScoreAdj: 0,
    ...over,
  };
}
