import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runOomScan } from './oom-scan.js';
import { CORPUS_PATH } from '../../test-support/oom/corpus.js';

const dir = new URL('../core/oom/fixtures/shapes/', import.meta.url).pathname;

async function scan(argv: string[], stdin = ''): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runOomScan(argv, {
    stdin: Readable.from([Buffer.from(stdin)]),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    readFile: (p) => readFile(p, 'utf8'),
  });
  return { code, out, err };
}

// Every fixture holds the same incident (trigger, CPU line, summary, Killed, reaper) among noise, in a different shape.
const SHAPES = ['dmesg.log', 'dmesg-T.log', 'dmesg-iso.log', 'syslog.log', 'journal-short-iso.log', 'journal.json', 'dmesg.json', 'kmsg.txt'];

describe('vigil oom-scan', () => {
  for (const f of SHAPES) {
    it(`${f} --json → the one kill with all its figures`, async () => {
      const r = await scan([dir + f, '--json']);
      expect(r.code).toBe(0);
      const lines = r.out.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        pid: 4321, comm: 'python3', scope: 'memcg', memcg: '/vigil/llama', constraint: 'CONSTRAINT_MEMCG', totalVmKb: 80412, anonRssKb: 64012, fileRssKb: 5120, shmemRssKb: 12,
        uid: 1000, oomScoreAdj: 0, killer: 'kernel', trigger: { comm: 'python3', pid: 4321, gfpMask: '0xcc0', order: 0 },
      });
    });
    it(`${f} → a human line`, async () => {
      const r = await scan([dir + f]);
      expect(r.out).toMatch(/killed python3 \(pid 4321\) {2}anon-rss 62\.5 MiB {2}file 5\.0 MiB {2}shmem 0\.0 MiB {2}memcg \/vigil\/llama {2}\[kernel\]\n$/);
    });
  }

  it('times are printed as given when the shape has them', async () => {
    expect((await scan([dir + 'dmesg-T.log'])).out).toMatch(/^2024-05-15 23:09:27 {2}killed/);
    expect(JSON.parse((await scan([dir + 'dmesg.log', '--json'])).out).time).toBe('[  514.686838]');
  });

  it('reads standard input for - and for no FILE', async () => {
    const text = await readFile(dir + 'syslog.log', 'utf8');
    expect((await scan(['-', '--json'], text)).out.trim().split('\n')).toHaveLength(1);
    expect((await scan(['--json'], text)).out.trim().split('\n')).toHaveLength(1);
  });

  it('the corpus: 24 kills, earlyoom and systemd-oomd included', async () => {
    const r = await scan([CORPUS_PATH, '--json']);
    const kills = r.out.trim().split('\n').map((l) => JSON.parse(l) as { killer: string });
    expect(kills).toHaveLength(24);
    expect(kills.filter((k) => k.killer === 'earlyoom')).toHaveLength(2);
    expect(kills.filter((k) => k.killer === 'systemd-oomd')).toHaveLength(3);
    expect(r.err).toBe('');
  });

  it('missing file: names it, exit 2', async () => {
    const r = await scan(['/nonexistent/kern.log']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('vigil oom-scan: cannot read /nonexistent/kern.log: no such file\n');
  });

  it('broken dmesg --json: clear error naming the input, exit 2', async () => {
    const r = await scan(['-'], '{"dmesg": [ {"pri": 3,');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^vigil oom-scan: standard input: not valid dmesg --json output/);
  });

  it('--help, unknown options and two files', async () => {
    expect((await scan(['--help'])).out).toMatch(/^usage: vigil oom-scan \[FILE\|-\] \[--json\]/);
    expect((await scan(['--jsn'])).code).toBe(2);
    expect((await scan(['a', 'b'])).err).toMatch(/one FILE only/);
  });
});
