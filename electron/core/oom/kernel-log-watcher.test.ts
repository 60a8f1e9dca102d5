import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KernelLogStatus, OomKill } from '../../common/state.js';
import { waitFor } from '../../../test-support/helpers.js';
import { all, cgroupV1Memory, isRoot, itPrivileged, kmsgReadable } from '../../../test-support/privileged.js';
import { makeCgroup, oomKillInCgroup, removeCgroup } from '../../../test-support/oom/oom-cgroup.js';
import { KernelLogWatcher } from './kernel-log-watcher.js';
import { readBootId } from './kmsg-reader.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'vigil-klw-'));
// journalctl's stand-in, printing the shapes fixture's journal entries.
const fakeJournalctl = new URL('../../../test-support/journalctl-stub.mjs', import.meta.url).pathname;
process.env.VIGIL_JOURNAL_STUB = new URL('./fixtures/shapes/journal.json', import.meta.url).pathname;

describe('KernelLogWatcher source choice', () => {
  it('no kmsg and no journalctl → cgroup counters only, with a hint naming the fixes', async () => {
    const statuses: KernelLogStatus[] = [];
    const w = new KernelLogWatcher({ stateDir: tmp(), kmsgPath: '/nonexistent/kmsg', journalctl: '/nonexistent/journalctl', onKill: () => undefined, onStatus: (s) => statuses.push(s) });
    await w.start();
    w.stop();
    expect(statuses).toHaveLength(1);
    expect(statuses[0]!.active).toBe('cgroup');
    expect(statuses[0]!.detail).toMatch(/cannot open \/nonexistent\/kmsg: ENOENT \(kernel\.dmesg_restrict=\d\); \/nonexistent\/journalctl not found/);
    expect(statuses[0]!.hint).toMatch(/sudo sysctl kernel\.dmesg_restrict=0/);
    expect(statuses[0]!.hint).toMatch(/setcap cap_syslog\+ep/);
    expect(statuses[0]!.hint).toMatch(/usermod -aG systemd-journal/);
  });

  it('journal only (kmsg disabled): kills from journalctl -o json, not repeated after a restart', async () => {
    const dir = tmp();
    /** Runs a watcher until `enough` holds of its kills (for a run expected to find none, a short while). */
    const run = async (enough: ((kills: OomKill[]) => boolean) | null): Promise<{ kills: OomKill[]; status: KernelLogStatus | null }> => {
      const kills: OomKill[] = [];
      let status: KernelLogStatus | null = null;
      const w = new KernelLogWatcher({ stateDir: dir, sources: ['journal'], journalctl: fakeJournalctl, onKill: (k) => kills.push(k), onStatus: (s) => (status = s) });
      await w.start();
      if (enough) await waitFor(() => enough(kills), 30_000, 'the kill from journalctl');
      else await new Promise((r) => setTimeout(r, 300));
      w.stop();
      return { kills, status };
    };
    const first = await run((k) => k.length > 0);
    expect(first.status).toMatchObject({ active: 'journal' });
    expect(first.kills).toHaveLength(1);
    expect(first.kills[0]).toMatchObject({ pid: 4321, comm: 'python3', scope: 'memcg', memcg: '/vigil/llama', source: 'journal', anonRssKb: 64012 });
    const second = await run(null);
    expect(second.kills).toEqual([]);
  });
});

describe('KernelLogWatcher against the real kernel', () => {
  let cgroup: string | null = null;
  afterEach(() => {
    if (cgroup) removeCgroup(cgroup);
    cgroup = null;
  });

  itPrivileged('a python3 OOM-killed in a 64 MiB v1 memory cgroup arrives as an OomKill', all(isRoot, cgroupV1Memory, kmsgReadable), async () => {
    const began = Date.now();
    const kills: OomKill[] = [];
    const statuses: KernelLogStatus[] = [];
    const w = new KernelLogWatcher({ stateDir: tmp(), journalctl: null, onKill: (k) => kills.push(k), onStatus: (s) => statuses.push(s) });
    await w.start();
    try {
      expect(statuses.at(-1)).toMatchObject({ active: 'kmsg', hint: null });
      cgroup = makeCgroup();
      const { pid, done } = oomKillInCgroup(cgroup);
      expect(await done).toEqual({ code: null, signal: 'SIGKILL' });
      await waitFor(() => kills.some((k) => k.pid === pid), 30_000, 'the kill in the kernel log').catch(() => {});
      const kill = kills.find((k) => k.pid === pid);
      expect(kill).toBeDefined();
      expect(kill).toMatchObject({ pid, comm: 'python3', scope: 'memcg', killer: 'kernel', source: 'kmsg', constraint: 'CONSTRAINT_MEMCG' });
      expect(kill!.anonRssKb).toBeGreaterThan(30000);
      expect(kill!.memcg).toBe(cgroup.slice('/sys/fs/cgroup/memory'.length));
      expect(kill!.id).toMatch(new RegExp(`^${readBootId()}:\\d+$`));
      expect(kill!.trigger?.comm).toBe('python3');
      // The kernel's monotonic stamp made wall-clock time: within this test's run, not hours off.
      expect(kill!.time!).toBeGreaterThanOrEqual(began - 2000);
      expect(kill!.time!).toBeLessThanOrEqual(Date.now() + 2000);
      expect(kills.filter((k) => k.pid === pid)).toHaveLength(1);
    } finally {
      w.stop();
    }
  });
});
