import { describe, expect, it } from 'vitest';
import { readCorpusExcerpts } from '../../../test-support/oom/corpus.js';
import { normaliseLine, type NormalisedLine } from './line-shapes.js';
import { OomParser, parseLines } from './parser.js';
import type { OomKill } from '../../common/state.js';

const NOW = new Date(2026, 6, 1).getTime();
const excerpts = readCorpusExcerpts();
const norm = (lines: string[]): NormalisedLine[] => lines.map((l) => normaliseLine(l, { now: NOW }));

type Want = Partial<OomKill>;
const k = (pid: number, comm: string, scope: 'global' | 'memcg', vm: number | null, anon: number | null, file: number | null, shmem: number | null, more: Want = {}): Want => ({
  pid, comm, scope, totalVmKb: vm, anonRssKb: anon, fileRssKb: file, shmemRssKb: shmem, killer: 'kernel', ...more,
});

// Written by reading each excerpt of fixtures/corpus.txt, not from parser output.
const EXPECTED: Record<number, Want[]> = {
  0: [
    k(15617, 'python3', 'memcg', 11892, 4292, 3428, 0, { timeText: 'May 15 23:09:27', uid: null, oomScoreAdj: null }),
    k(15674, 'python3', 'memcg', 11892, 4292, 3424, 0),
    k(15623, 'python3', 'memcg', 11892, 4292, 3420, 0),
    k(15694, 'python3', 'memcg', 11892, 4292, 3440, 0),
  ],
  // pid 24572 was selected, but 28438 is the one killed
  1: [k(28438, 'java', 'memcg', 20255636, 466160, 13684, null, { timeText: '[Thu Dec  7 00:05:15 2017]', memcg: '/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b' })],
  // first Killed line has no 'Memory cgroup' line before it: nothing says memcg
  2: [
    k(42452, 'memcg_test_1', 'global', 7296, 96, 164, 0, { uid: 0 }),
    k(42453, 'memcg_test_1', 'memcg', 7296, 96, 164, 0, { uid: 0 }),
    k(42474, 'memcg_test_1', 'memcg', 7296, 96, 0, 0, { uid: 0 }),
    k(42471, 'memcg_test_1', 'memcg', 7296, 96, 0, 0, { uid: 0 }),
    k(42468, 'memcg_test_1', 'memcg', 7296, 96, 0, 0, { uid: 0 }),
  ],
  3: [k(31158, 'influxdb', 'global', 35730744, 30790420, 3392, null, { timeText: 'Sep  5 15:55:56' })],
  10: [k(27438, 'R', 'global', 38349780, 1041924, 4, 0)],
  13: [k(63214, 'uwsgi', 'memcg', 3149468, 164992, 52176, 92, { uid: 0, oomScoreAdj: 986, timeText: '[ 7063.247407]' })],
  15: [k(3504804, 'kubectl', 'memcg', 753508, 58776, 29400, 0, { uid: 0, oomScoreAdj: 999, timeText: null })],
  16: [k(336943, 'python', 'global', 20061840, 13408616, 128, 0, { uid: 1000, oomScoreAdj: 0 })],
  // summary only (no Killed line in the excerpt): reported with null figures
  18: [k(7134, 'java', 'global', null, null, null, null, { uid: 1000, constraint: 'CONSTRAINT_NONE', memcg: '/system.slice/docker-00748bf4e957f82c239a1db8a88579059b7d40c7b5fbd3f43617d31d3f646f12.scope' })],
  // summary cut by the pager: its memcg is marked truncated
  20: [k(1055041, 'nix-env', 'global', 5120116, 5048356, 612, 0, { uid: 0, oomScoreAdj: 200, constraint: 'CONSTRAINT_NONE', memcg: '/user.slice/user-1000.slice/user@1000.service/app.slice/app-org.gnome.Terminal.slice/vte-s…' })],
  22: [k(94475, 'QtWebEngineProc', 'global', 1293748208, 246944, 4, 472, { uid: 1000, oomScoreAdj: 300, timeText: '[Mon Jun  8 12:56:29 2026]' })],
  25: [k(27541, 'bash', 'global', 8118236, 8098448, 3264, 0, { timeText: 'апр 28 01:23:30', time: null })],
  26: [{ pid: 57834, comm: 'code', uid: 1000, killer: 'earlyoom', rssKb: 5 * 1024, scope: 'global' }],
  27: [{ pid: 906175, comm: 'java', uid: 1000, killer: 'earlyoom', rssKb: 43912 * 1024 }],
  28: [{ pid: 0, comm: 'vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope', killer: 'systemd-oomd', scope: 'memcg', memcg: '/user.slice/user-1001.slice/user@1001.service/app.slice/app-org.gnome.Terminal.slice/vte-spawn-dbb4a75e-031f-480d-924b-5de5af7579d2.scope' }],
  29: [
    { pid: 63, comm: 'testsuite-55-testbloat.service', killer: 'systemd-oomd', memcg: '/testsuite.slice/testsuite-55.slice/testsuite-55-workload.slice/testsuite-55-testbloat.service' },
    { pid: 66, comm: 'testsuite-55-testbloat.service', killer: 'systemd-oomd' },
  ],
};

describe('OomParser over the corpus', () => {
  it('has the 30 excerpts the table was written for', () => {
    expect(excerpts).toHaveLength(30);
  });

  excerpts.forEach((ex, i) => {
    const want = EXPECTED[i] ?? [];
    it(`excerpt ${i} (${ex.source}) → ${want.length} kill(s)`, () => {
      const kills = parseLines(norm(ex.lines));
      expect(kills).toHaveLength(want.length);
      want.forEach((w, j) => expect(kills[j]).toMatchObject(w));
    });
  });

  it('the whole corpus in one stream gives the same 24 kills, in order, with distinct ids', () => {
    const all = parseLines(norm(excerpts.flatMap((e) => e.lines)));
    const expected = Object.keys(EXPECTED).map(Number).sort((a, b) => a - b).flatMap((i) => EXPECTED[i]!);
    expect(expected).toHaveLength(24);
    expect(all.map((x) => [x.pid, x.comm])).toEqual(expected.map((w) => [w.pid, w.comm]));
    expect(new Set(all.map((x) => x.id)).size).toBe(all.length);
  });

  // Trigger lines of the corpus (all 'invoked oom-killer' forms) + a victim line.
  const TRIGGERS: Record<number, OomKill['trigger']> = {
    1: { comm: 'java', pid: 14881, gfpMask: '0xd0', order: 0 },
    4: { comm: 'java', pid: 32498, gfpMask: '0xd0', order: 0 },
    5: { comm: 'python', pid: 21154, gfpMask: '0xd0', order: 0 },
    6: { comm: 'IPDL Background', pid: 28507, gfpMask: '0x2400040', order: 0 },
    7: { comm: 'chromium', pid: 7255, gfpMask: '0x27000c0', order: 2 },
    8: { comm: 'dotnet', pid: 21575, gfpMask: '0x14000c0', order: 0 },
    9: { comm: 'Compositor', pid: 1042, gfpMask: '0x7000c0', order: 0 },
    13: { comm: 'uwsgi', pid: 63635, gfpMask: '0xcc0', order: 0 },
    14: { comm: 'main', pid: null, gfpMask: '0x1100dca', order: 0 },
    19: { comm: 'p2pd', pid: 116521, gfpMask: '0x140cca', order: 0 },
    23: { comm: 'postgres', pid: 1073875, gfpMask: '0x140dca', order: 0 },
  };
  for (const [i, trigger] of Object.entries(TRIGGERS)) {
    it(`excerpt ${i}: trigger line and CPU line give the invoking task`, () => {
      const p = new OomParser();
      for (const l of norm(excerpts[Number(i)]!.lines)) p.push(l);
      const kills = p.push({ text: 'Out of memory: Killed process 4242 (victim) total-vm:10kB, anon-rss:5kB, file-rss:1kB, shmem-rss:0kB', timeText: null, source: 'kernel' });
      expect(kills).toHaveLength(1);
      expect(kills[0]!.trigger).toEqual(trigger);
    });
  }
});

describe('OomParser line forms', () => {
  const one = (...texts: string[]): OomKill[] => parseLines(texts.map((t) => ({ text: t, timeText: null, source: 'kernel' as const })));

  it('comm with spaces, slash, hash and parentheses ends at the ) before the fields', () => {
    const [kill] = one('Out of memory: Killed process 77 (a (b)/c #1) total-vm:1,234kB, anon-rss:2,000kB, file-rss:3kB, shmem-rss:0kB, UID:1000 pgtables:4kB oom_score_adj:-17');
    expect(kill).toMatchObject({ pid: 77, comm: 'a (b)/c #1', totalVmKb: 1234, anonRssKb: 2000, uid: 1000, oomScoreAdj: -17, scope: 'global' });
  });

  it('a ) later in the line (log quoted in prose) does not extend the comm; a cut comm is no kill', () => {
    const [kill] = one('(dmesg said: Out of memory: Killed process 5 (x) total-vm:1kB, anon-rss:2kB, file-rss:0kB)');
    expect(kill).toMatchObject({ pid: 5, comm: 'x', anonRssKb: 2, fileRssKb: 0 });
    expect(one('Out of memory: Killed process 5 (pyth')).toEqual([]);
  });

  it('RHEL 6 puts UID before the comm', () => {
    const [kill] = one('Killed process 9, UID 48, (httpd) total-vm:100kB, anon-rss:50kB, file-rss:2kB');
    expect(kill).toMatchObject({ pid: 9, comm: 'httpd', uid: 48, totalVmKb: 100, anonRssKb: 50, fileRssKb: 2, shmemRssKb: null });
  });

  it('summary enriches the Killed line with constraint, memcg and uid', () => {
    const [kill, ...rest] = one(
      'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'CPU: 0 PID: 2342 Comm: python3 Not tainted 6.18.0 #1',
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/vigil-test,task_memcg=/vigil-test/sub,task=python3,pid=2342,uid=0',
      'Memory cgroup out of memory: Killed process 2342 (python3) total-vm:80000kB, anon-rss:64000kB, file-rss:100kB, shmem-rss:0kB, UID:0 pgtables:200kB oom_score_adj:0',
      'oom_reaper: reaped process 2342 (python3), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB',
    );
    expect(rest).toHaveLength(0);
    expect(kill).toMatchObject({ pid: 2342, scope: 'memcg', constraint: 'CONSTRAINT_MEMCG', memcg: '/vigil-test/sub', uid: 0, trigger: { comm: 'python3', pid: 2342, gfpMask: '0xcc0', order: 0 } });
  });

  it('summary followed by "already exiting" is not a kill', () => {
    expect(one('oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/,task=x,pid=5,uid=0', 'Out of memory: OOM victim 5 (x) is already exiting. Skip killing the task')).toEqual([]);
  });

  it('Task in … killed as a result of limit of … gives the memcg of a pre-5.0 kill', () => {
    const [kill] = one('Task in /docker/abc killed as a result of limit of /docker/abc', 'Memory cgroup out of memory: Kill process 10 (a) score 5 or sacrifice child', 'Killed process 11 (b) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB');
    expect(kill).toMatchObject({ pid: 11, comm: 'b', scope: 'memcg', memcg: '/docker/abc' });
  });

  it('a kill whose header the kernel rate-limited away does not take the cgroup and trigger of the kill before it', () => {
    // As read from /dev/kmsg here: two memory cgroups OOM 0.6 s apart; the second kill kept only its Killed line.
    const [first, second, ...rest] = one(
      'node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'Memory cgroup stats for /vigil/oom09:',
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/vigil/oom09,task_memcg=/vigil/oom09,task=node,pid=346,uid=0',
      'Memory cgroup out of memory: Killed process 346 (node) total-vm:1148288kB, anon-rss:130848kB, file-rss:41348kB, shmem-rss:0kB, UID:0 pgtables:756kB oom_score_adj:0',
      'Memory cgroup out of memory: Killed process 6899 (llama-server) total-vm:1181448kB, anon-rss:162660kB, file-rss:37764kB, shmem-rss:0kB, UID:0 pgtables:840kB oom_score_adj:0',
    );
    expect(rest).toHaveLength(0);
    expect(first).toMatchObject({ pid: 346, memcg: '/vigil/oom09', trigger: { comm: 'node' } });
    expect(second).toMatchObject({ pid: 6899, comm: 'llama-server', scope: 'memcg', memcg: null, constraint: null, trigger: null });
  });

  it('memory.oom.group: every task the group kill takes shares the cgroup', () => {
    const kills = one(
      'python3 invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      'oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/app.slice/svc.service,task_memcg=/app.slice/svc.service,task=python3,pid=20,uid=0',
      'Memory cgroup out of memory: Killed process 20 (python3) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0',
      'Tasks in /app.slice/svc.service are going to be killed due to memory.oom.group set',
      'Memory cgroup out of memory: Killed process 21 (worker) total-vm:1000kB, anon-rss:10kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0',
    );
    expect(kills.map((k) => [k.pid, k.memcg])).toEqual([[20, '/app.slice/svc.service'], [21, '/app.slice/svc.service']]);
  });

  it('earlyoom SIGKILL escalation after SIGTERM is the same kill; old format without uid parses', () => {
    const lines: NormalisedLine[] = [
      { text: 'sending SIGTERM to process 1234 "firefox": badness 600, VmRSS 3000 MiB', timeText: null, source: 'earlyoom' },
      { text: 'escalating to SIGKILL after 0.5 seconds', timeText: null, source: 'earlyoom' },
      { text: 'sending SIGKILL to process 1234 "firefox": badness 600, VmRSS 3000 MiB', timeText: null, source: 'earlyoom' },
    ];
    const kills = parseLines(lines);
    expect(kills).toHaveLength(1);
    expect(kills[0]).toMatchObject({ pid: 1234, comm: 'firefox', uid: null, rssKb: 3000 * 1024, killer: 'earlyoom' });
  });

  it('earlyoom lines are not taken from the kernel, nor kernel lines from earlyoom', () => {
    expect(parseLines([{ text: 'sending SIGTERM to process 1 uid 0 "x": badness 1, VmRSS 1 MiB', timeText: null, source: 'kernel' }])).toEqual([]);
    expect(parseLines([{ text: 'Out of memory: Killed process 1 (x) total-vm:1kB', timeText: null, source: 'earlyoom' }])).toEqual([]);
  });
});

describe('OomParser never throws', () => {
  const allLines = excerpts.flatMap((e) => e.lines);
  it('on every prefix of every corpus line', () => {
    const p = new OomParser();
    for (const line of allLines) for (let n = 0; n <= line.length; n++) expect(() => p.push(normaliseLine(line.slice(0, n)))).not.toThrow();
    expect(() => p.flush()).not.toThrow();
  });

  it('on random bytes and random splices of corpus lines', () => {
    let seed = 42;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const p = new OomParser();
    for (let i = 0; i < 5000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256)));
      const a = allLines[Math.floor(rnd() * allLines.length)]!;
      const b = allLines[Math.floor(rnd() * allLines.length)]!;
      for (const s of [bytes.toString('latin1'), a.slice(0, rnd() * a.length) + b.slice(rnd() * b.length), `6,${i},1;${bytes.toString('utf8')}`]) {
        expect(() => p.push(normaliseLine(s))).not.toThrow();
      }
    }
  });
});
