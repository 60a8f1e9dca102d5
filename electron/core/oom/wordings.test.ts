// Every row of the wording table (wordings.ts) against its fixture block:
// the kills it makes, with killer, pid, comm and figures, and the notices
// and unknown lines that make none. Expected values are written by hand
// from the printf formats, not from parser output.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OomKill } from '../../common/state.js';
import { normaliseLine } from './line-shapes.js';
import { OomParser, parseLines } from './parser.js';

const NOW = new Date(2026, 11, 1).getTime();
const FILE = new URL('./fixtures/wordings.txt', import.meta.url).pathname;

function blocks(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | null = null;
  for (const line of readFileSync(FILE, 'utf8').split('\n')) {
    if (line.startsWith('## ')) out.set(line.slice(3).trim(), (cur = []));
    else if (cur && line.trim() && !line.startsWith('# ')) cur.push(line);
  }
  return out;
}
const BLOCKS = blocks();
const parse = (lines: string[]) => parseLines(lines.map((l) => normaliseLine(l, { now: NOW })));

type Want = Partial<OomKill>;
const kernel = (pid: number, comm: string, scope: 'global' | 'memcg', vm: number | null, anon: number | null, file: number | null, shmem: number | null, more: Want = {}): Want => ({
  killer: 'kernel', pid, comm, scope, totalVmKb: vm, anonRssKb: anon, fileRssKb: file, shmemRssKb: shmem, ...more,
});
const earlyoom = (pid: number, comm: string, uid: number | null, rssMiB: number | null, more: Want = {}): Want => ({
  killer: 'earlyoom', pid, comm, uid, rssKb: rssMiB === null ? null : rssMiB * 1024, scope: 'global', ...more,
});
const oomd = (pid: number, comm: string, memcg: string | null): Want => ({ killer: 'systemd-oomd', pid, comm, memcg, scope: 'memcg' });
const APP = '/user.slice/user-1000.slice/user@1000.service/app.slice';

const EXPECTED: Record<string, Want[]> = {
  'kernel-3.x-select-then-killed': [kernel(2002, 'stress-child', 'global', 1048576, 1000000, 12, null)],
  'kernel-4.5-shmem': [kernel(3001, 'java', 'memcg', 2097152, 524288, 1024, 64)],
  'kernel-5.1-prefix': [kernel(4001, 'php-fpm', 'global', 409600, 204800, 100, 0)],
  'kernel-5.4-uid-pgtables': [
    kernel(5001, 'llama-server', 'memcg', 33554432, 16777216, 2048, 0, {
      uid: 1000, oomScoreAdj: 0, constraint: 'CONSTRAINT_MEMCG', memcg: '/vigil/qwen',
      trigger: { comm: 'llama-server', pid: null, gfpMask: '0x140cca', order: 0 },
    }),
  ],
  'kernel-rhel7': [kernel(6001, 'httpd', 'global', 300000, 150000, 20, 0, { uid: 48 })],
  'kernel-rhel6': [kernel(7001, 'mysqld', 'global', 900000, 800000, 4, null, { uid: 27 })],
  'kernel-sharing-same-memory': [kernel(8001, 'worker', 'global', 100000, 90000, 8, null), kernel(8002, 'worker', 'global', null, null, null, null)],
  'kernel-summary-without-killed': [kernel(9001, 'firefox', 'global', null, null, null, null, { uid: 1000, constraint: 'CONSTRAINT_NONE', memcg: '/user.slice' })],
  'kernel-already-exiting': [],
  'kernel-notices': [],
  'earlyoom-1.0': [earlyoom(1234, 'firefox', null, null)],
  'earlyoom-1.0-failed': [],
  'earlyoom-1.1': [earlyoom(2345, 'firefox', null, 3000)],
  // SIGTERM then SIGKILL to the same pid: one kill
  'earlyoom-1.2': [earlyoom(3456, 'Web Content', null, 2048)],
  'earlyoom-1.2-selftest': [],
  'earlyoom-1.2-failed': [],
  'earlyoom-1.2-stderr': [earlyoom(3470, 'llama-server', null, 6000)],
  'earlyoom-1.3-rc1-failed': [],
  'earlyoom-1.3-stderr': [earlyoom(4580, 'llama-server', null, 6000)],
  'earlyoom-1.3': [earlyoom(4567, 'node', null, 4096)],
  'earlyoom-1.6': [earlyoom(5678, 'code', 1000, 5120)],
  // the signal went out; the process did not exit in 10 s
  'earlyoom-1.8': [earlyoom(6789, 'java', 1000, 43912, { oomScoreAdj: null })],
  'earlyoom-1.9': [earlyoom(7890, 'llama-server', 1000, 20480, { oomScoreAdj: 200 })],
  'earlyoom-1.9-kill-failed': [],
  'earlyoom-dryrun': [],
  'earlyoom-selftest-debug': [],
  'earlyoom-colour': [earlyoom(9012, 'ffmpeg', 1000, 8192)],
  'earlyoom-notices': [],
  'oomd-v247-debug': [oomd(1111, '', null), oomd(1112, '', null)],
  'oomd-v247-notices': [],
  // PID 1's line is the same kill as oomd's
  'oomd-v248-pressure': [oomd(0, 'app-firefox.scope', `${APP}/app-firefox.scope`)],
  'oomd-v248-swap': [oomd(0, 'batch.service', '/system.slice/batch.service')],
  'oomd-v252-memory-used': [oomd(0, 'llama.service', '/system.slice/llama.service')],
  'oomd-newest-marked': [oomd(0, 'app-chromium.scope', `${APP}/app-chromium.scope`)],
  // each named pid is a kill of the marked cgroup; PID 1's line is the same kill
  'oomd-newest-marked-debug': [
    { ...oomd(2001, 'app-llama.scope', `${APP}/app-llama.scope`) },
    { ...oomd(2002, 'app-llama.scope', `${APP}/app-llama.scope`) },
  ],
  'oomd-newest-dryrun': [],
  'pid1-unit-only': [oomd(0, 'cardbuild.service', null)],
  'pid1-kernel-oom': [kernel(4242, 'python3', 'global', 8000000, 7000000, 100, 0, { uid: 0, oomScoreAdj: 0 })],
  unknown: [],
};

describe('every OOM-killer wording, across versions', () => {
  it('has a fixture block for each expectation and an expectation for each block', () => {
    expect([...BLOCKS.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [id, want] of Object.entries(EXPECTED)) {
    it(`${id} → ${want.length ? want.map((w) => `${w.killer} ${w.pid}`).join(', ') : 'no kill'}`, () => {
      const kills = parse(BLOCKS.get(id)!);
      expect(kills).toHaveLength(want.length);
      want.forEach((w, i) => expect(kills[i]).toMatchObject(w));
    });
  }

  it('the whole file as one stream gives the same kills, each once', () => {
    const all = parse([...BLOCKS.values()].flat());
    const key = (k: Want) => `${k.killer} ${k.pid} ${k.comm}`;
    expect(all.map(key).sort()).toEqual(Object.values(EXPECTED).flat().map(key).sort());
    expect(new Set(all.map((k) => k.id)).size).toBe(all.length);
  });

  it('notices and unknown lines are never kills and never throw, whatever their origin', () => {
    const quiet = [...BLOCKS.get('kernel-notices')!, ...BLOCKS.get('earlyoom-notices')!, ...BLOCKS.get('oomd-v247-notices')!, ...BLOCKS.get('unknown')!];
    for (const line of quiet) {
      const n = normaliseLine(line, { now: NOW });
      for (const source of ['kernel', 'earlyoom', 'systemd-oomd', 'other'] as const) {
        expect(() => parseLines([{ ...n, source }])).not.toThrow();
        expect(parseLines([{ ...n, source }]), `${source}: ${line}`).toEqual([]);
      }
    }
  });

  it('an earlyoom kill waits for earlyoom’s next line, which shows whether the signal went out', () => {
    const [send, failed] = BLOCKS.get('earlyoom-1.9-kill-failed')!.map((l) => normaliseLine(l, { now: NOW }));
    const p = new OomParser();
    expect(p.push(send!)).toEqual([]);
    expect(p.pendingSince()).not.toBeNull();
    expect(p.push(failed!)).toEqual([]);
    expect(p.pendingSince()).toBeNull();
    expect(p.flush()).toEqual([]);
    const [send19, exited] = BLOCKS.get('earlyoom-1.9')!.map((l) => normaliseLine(l, { now: NOW }));
    expect(p.push(send19!)).toEqual([]);
    expect(p.push(exited!)).toMatchObject([{ killer: 'earlyoom', pid: 7890 }]);
  });
});
