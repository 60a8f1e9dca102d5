import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_STATE_FILE, JournalSource, matchArgs, probeJournal } from './journal-source.js';

// journalctl's stand-in, printing the shapes fixture's journal entries.
const fake = new URL('../../../test-support/journalctl-stub.mjs', import.meta.url).pathname;
process.env.VIGIL_JOURNAL_STUB = new URL('./fixtures/shapes/journal.json', import.meta.url).pathname;

describe('journal source', () => {
  it('one journalctl follows kernel and user-space killers', () => {
    expect(matchArgs('both')).toEqual(['_TRANSPORT=kernel', '+', 'SYSLOG_IDENTIFIER=earlyoom', 'SYSLOG_IDENTIFIER=systemd-oomd']);
    expect(matchArgs('userspace')).toEqual(['SYSLOG_IDENTIFIER=earlyoom', 'SYSLOG_IDENTIFIER=systemd-oomd']);
  });

  it('missing journalctl: a clear error, from the probe and from start()', async () => {
    expect(await probeJournal('/nonexistent/journalctl')).toEqual({ ok: false, missing: true, denied: false, detail: '/nonexistent/journalctl not found' });
    await expect(new JournalSource({ journalctl: '/nonexistent/journalctl', what: 'both', stateDir: null, onLine: () => undefined }).start()).rejects.toThrow('/nonexistent/journalctl not found');
  });

  it('the real journalctl: the probe answers without throwing (this VM has no journald)', async () => {
    const p = await probeJournal();
    expect(typeof p.ok).toBe('boolean');
    if (!p.ok) expect(p.detail.length).toBeGreaterThan(0);
  });

  it('reads the backlog, persists the cursor, and resumes after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-journal-'));
    const lines: string[] = [];
    const s = new JournalSource({ journalctl: fake, what: 'both', stateDir: dir, onLine: (l) => lines.push(l) });
    await s.start();
    s.stop();
    expect(lines).toHaveLength(7);
    expect(JSON.parse(readFileSync(join(dir, JOURNAL_STATE_FILE), 'utf8'))).toEqual({ cursor: 's=abc;i=6' });
    const again: string[] = [];
    const s2 = new JournalSource({ journalctl: fake, what: 'both', stateDir: dir, onLine: (l) => again.push(l) });
    await s2.start();
    s2.stop();
    expect(again).toEqual([]);
  });
});
