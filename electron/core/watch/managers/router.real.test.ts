// llama.cpp's router mode, for real: the test bed's llama-server with
// --models-dir starts a child llama-server per model (--alias NAME). Vigil
// marks the router as one, lists its children under it by alias, reads
// loaded vs available from its /models, and shows a child's death beside
// the router's own account of it: a SIGKILL and a kernel OOM kill in the
// router's memory cgroup are both "exited with status 1" to the router.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, linkSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect } from 'vitest';
import { describeDiscrepancy, managedServerState, managerModels } from '../../../common/watch-managers.js';
import type { WatchedServer } from '../../../common/watch.js';
import { pickFreePort, tempDir, waitFor } from '../../../../test-support/helpers.js';
import { itLlamaPrivileged } from '../../../../test-support/llama/it-llama.js';
import { evictFromPageCache, llamaServerPath, model } from '../../../../test-support/llama/testbed.js';
import { all, cgroupV1Memory, isRoot, kmsgReadable } from '../../../../test-support/privileged.js';
import { watchManaged, type ManagedWatch } from '../../../../test-support/watch/managed.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) {
    try {
      await c();
    } catch {
      /* best effort */
    }
  }
});

const place = (file: string, dir: string, name: string): void => {
  try {
    linkSync(file, path.join(dir, name));
  } catch {
    copyFileSync(file, path.join(dir, name));
  }
};

interface Router {
  proc: ChildProcess;
  pid: number;
  port: number;
  url: string;
}

/** The router in its own memory cgroup (no limit yet), over a models folder with tiny and small. */
async function startRouter(cg: string): Promise<Router> {
  const bin = llamaServerPath().path!;
  const dir = tempDir('vigil-router-models-');
  cleanups.push(dir.cleanup);
  place(await model('tiny'), dir.dir, 'tiny.gguf');
  place(await model('small'), dir.dir, 'small.gguf');
  const port = await pickFreePort();
  // -c, -t and --no-mmap are passed on to every child; --no-mmap makes a load read its weights into anonymous memory.
  const argv = [bin, '--models-dir', dir.dir, '--host', '127.0.0.1', '--port', String(port), '-c', '512', '-t', '1', '--no-mmap', '--models-max', '2'];
  const proc = spawn('sh', ['-c', `echo $$ > "${cg}/cgroup.procs" && exec "$@"`, 'sh', ...argv], { stdio: 'ignore' });
  cleanups.push(() => {
    proc.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    try {
      return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })).ok;
    } catch {
      return false;
    }
  }, 30_000, 'the router to answer /health', 100);
  return { proc, pid: proc.pid!, port, url };
}

const load = (r: Router, name: string): Promise<Response> =>
  fetch(`${r.url}/models/load`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: name }), signal: AbortSignal.timeout(30_000) });

function memcg(): string {
  const cg = `/sys/fs/cgroup/memory/vigil-router-${process.pid}`;
  mkdirSync(cg, { recursive: true });
  cleanups.push(async () => {
    // The cgroup can go once every process in it is gone.
    await waitFor(() => readFileSync(`${cg}/cgroup.procs`, 'utf8').trim() === '', 10_000, 'the cgroup to empty').catch(() => {});
    rmdirSync(cg);
  });
  return cg;
}

const routerOf = (m: ManagedWatch, pid: number): WatchedServer => {
  const v = m.byPid(pid);
  if (!v) throw new Error(`router ${pid} not watched`);
  return v;
};

describe('llama.cpp router, for real', () => {
  let m: ManagedWatch | null = null;
  afterAll(() => m?.close());

  itLlamaPrivileged('a router with its children by alias, loaded vs available, a SIGKILLed child beside "exited with status 1", an OOM-killed child beside the same claim', all(isRoot, cgroupV1Memory, kmsgReadable), async () => {
    const cg = memcg();
    const r = await startRouter(cg);
    // Watching starts once the router runs (it execs through sh, and a process seen before its exec is not looked at again for minutes).
    m = await watchManaged({ kmsg: true, tickMs: 20 });

    // The router is a manager, not a server with every available model as its model.
    const idle = await waitFor(() => {
      const v = routerOf(m!, r.pid);
      return v.managerView?.api?.at ? v : null;
    }, 15_000, 'the router\'s /models to be read');
    expect(idle).toMatchObject({ kind: 'llama-router', label: 'llama.cpp router', model: null, apiModels: [] });
    expect(idle.managerView!.loaded).toEqual([]);
    expect([...idle.managerView!.available].sort()).toEqual(['small', 'tiny']);

    // A model loads: a child llama-server under it, named by its alias, loaded as the router says.
    expect((await load(r, 'tiny')).ok).toBe(true);
    const loaded = await waitFor(() => {
      const v = routerOf(m!, r.pid);
      const s = v.managerView?.servers.find((x) => x.model === 'tiny' && x.status === 'running');
      return s && v.managerView!.loaded.includes('tiny') && s.says === 'loaded' ? { v, s } : null;
    }, 30_000, 'tiny loaded in a child of the router');
    const child = m.byPid(loaded.s.pid)!;
    expect(child).toMatchObject({ kind: 'llama-server', manager: { pid: r.pid }, managedModel: 'tiny' });
    expect(child.cmdline).toEqual(expect.arrayContaining(['--alias', 'tiny', '--no-mmap']));
    expect(managerModels(loaded.v.managerView!)).toEqual({ loaded: 'tiny', available: 'small' });
    expect(loaded.v.managerView!.discrepancies).toEqual([]);

    // A signal kills the child: Vigil sees the exit at once; the router says "exited with status 1".
    process.kill(loaded.s.pid, 'SIGKILL');
    const killed = await waitFor(() => {
      const s = routerOf(m!, r.pid).managerView?.servers.find((x) => x.pid === loaded.s.pid);
      return s && s.status === 'gone' && s.says === 'exited with status 1' ? s : null;
    }, 15_000, 'the router\'s claim beside the SIGKILLed child');
    expect(killed.oom).toBeNull();
    expect(managedServerState(killed, Date.now())).toMatch(/^(killed by SIGKILL|exited)/); // the signal where the kernel's process events told Vigil (root)

    // The kernel kills the next child for memory during its load: the router's claim is the same words.
    const usage = Number(readFileSync(`${cg}/memory.usage_in_bytes`, 'utf8'));
    writeFileSync(`${cg}/memory.limit_in_bytes`, String(usage + 48 * 1024 * 1024));
    // Read from disk, not the page cache: the load lasts long enough for a tick to see its server before the kill.
    evictFromPageCache(await model('small'));
    const res = await load(r, 'small');
    expect(res.ok).toBe(true); // the router accepts the load; its child dies loading
    const oom = await waitFor(() => {
      const v = routerOf(m!, r.pid);
      // Until the router has seen its child's death it says "loading"; that too is shown against the kill.
      const s = v.managerView?.servers.find((x) => x.model === 'small' && x.oom !== null && x.says === 'exited with status 1');
      const d = v.managerView?.discrepancies.find((x) => x.model === 'small');
      return s && d ? { v, s, d } : null;
    }, 60_000, 'the OOM-killed child with the router\'s claim beside it');
    expect(oom.s).toMatchObject({ failedLoad: true, says: 'exited with status 1', oom: { comm: 'llama-server', scope: 'memcg', pid: oom.s.pid } });
    expect(describeDiscrepancy(oom.d, Date.now())).toMatch(new RegExp(`^The router says small exited with status 1; the kernel killed its llama-server ${oom.s.pid} for memory (just now|\\d+s ago)\\.$`));
    expect(oom.v.managerView!.kills.map((k) => k.pid)).toContain(oom.s.pid);
    expect(managedServerState(oom.s, Date.now())).toMatch(/^OOM-killed .* during its load$/);
  }, 180_000);
});
