// Fallback OOM source: the systemd journal through `journalctl -o json`
// (argv array, no shell). One journalctl follows both the kernel transport
// and the user-space killers: `_TRANSPORT=kernel + SYSLOG_IDENTIFIER=earlyoom
// SYSLOG_IDENTIFIER=systemd-oomd` (same-field matches OR, '+' ORs groups).
// The backlog is read first without -f (so start() knows when it is caught
// up), then -f continues after the last cursor; the cursor is persisted so a
// restart neither misses nor repeats entries.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const JOURNAL_STATE_FILE = 'journal-cursor.json';

export type JournalWhat = 'kernel' | 'userspace' | 'both';

export interface JournalSourceOptions {
  journalctl?: string;
  what: JournalWhat;
  stateDir: string | null;
  /** Each journal entry, as its JSON line. */
  onLine(line: string): void;
  onError?(err: Error): void;
}

export interface JournalProbe {
  ok: boolean;
  /** One line: why not, or what was found. */
  detail: string;
  denied: boolean;
  missing: boolean;
}

export function matchArgs(what: JournalWhat): string[] {
  const user = ['SYSLOG_IDENTIFIER=earlyoom', 'SYSLOG_IDENTIFIER=systemd-oomd'];
  if (what === 'kernel') return ['_TRANSPORT=kernel'];
  if (what === 'userspace') return user;
  return ['_TRANSPORT=kernel', '+', ...user];
}

const DENIED = /insufficient permissions|permission denied|not seeing messages from other users/i;

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; spawnError: NodeJS.ErrnoException | null }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, stdout, stderr, spawnError: e as NodeJS.ErrnoException });
      return;
    }
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e: NodeJS.ErrnoException) => resolve({ code: null, stdout, stderr, spawnError: e }));
    child.on('close', (code) => resolve({ code, stdout, stderr, spawnError: null }));
  });
}

/** Can the journal give us kernel messages of this boot? */
export async function probeJournal(journalctl = 'journalctl'): Promise<JournalProbe> {
  const r = await run(journalctl, ['-b', '-n', '1', '-o', 'json', '--no-pager', '_TRANSPORT=kernel']);
  if (r.spawnError) {
    const missing = r.spawnError.code === 'ENOENT';
    return { ok: false, missing, denied: r.spawnError.code === 'EACCES', detail: missing ? `${journalctl} not found` : `cannot run ${journalctl}: ${r.spawnError.code ?? r.spawnError.message}` };
  }
  const denied = DENIED.test(r.stderr);
  if (denied) return { ok: false, missing: false, denied, detail: `${journalctl}: ${r.stderr.trim().split('\n')[0]}` };
  if (r.code !== 0) return { ok: false, missing: false, denied: false, detail: `${journalctl} exited with ${r.code}: ${r.stderr.trim().split('\n')[0] ?? ''}` };
  if (!r.stdout.trim()) return { ok: false, missing: false, denied: false, detail: 'the journal holds no kernel messages for this boot (is systemd-journald running?)' };
  return { ok: true, missing: false, denied: false, detail: 'journal has kernel messages' };
}

export class JournalSource {
  private child: ChildProcess | null = null;
  private cursor: string | null = null;
  private stopped = false;
  private readonly cmd: string;

  constructor(private readonly opts: JournalSourceOptions) {
    this.cmd = opts.journalctl ?? 'journalctl';
  }

  /** Reads the backlog (this boot, or after the saved cursor), then follows. Rejects with a clear error when journalctl cannot run. */
  async start(): Promise<void> {
    this.cursor = this.loadCursor();
    const from = this.cursor ? ['--after-cursor', this.cursor] : [];
    const backlog = await run(this.cmd, ['-b', '-o', 'json', '--no-pager', ...from, ...matchArgs(this.opts.what)]);
    if (backlog.spawnError) throw new Error(backlog.spawnError.code === 'ENOENT' ? `${this.cmd} not found` : `cannot run ${this.cmd}: ${backlog.spawnError.message}`);
    if (DENIED.test(backlog.stderr)) throw new Error(`${this.cmd}: ${backlog.stderr.trim().split('\n')[0]}`);
    if (backlog.code !== 0) throw new Error(`${this.cmd} exited with ${backlog.code}: ${backlog.stderr.trim().split('\n')[0] ?? ''}`);
    for (const line of backlog.stdout.split('\n')) this.take(line);
    this.saveCursor();
    if (this.stopped) return;
    this.follow();
  }

  stop(): void {
    this.stopped = true;
    this.child?.kill('SIGTERM');
    this.child = null;
    this.saveCursor();
  }

  private follow(): void {
    const from = this.cursor ? ['--after-cursor', this.cursor] : ['-n', '0'];
    const child = spawn(this.cmd, ['-f', '-o', 'json', '--no-pager', ...from, ...matchArgs(this.opts.what)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      this.take(l);
      this.saveCursor();
    });
    let err = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => this.opts.onError?.(new Error(`${this.cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (!this.stopped) this.opts.onError?.(new Error(`${this.cmd} -f exited (${code}): ${err.trim().split('\n')[0] ?? ''}`));
    });
  }

  private take(line: string): void {
    if (!line.trim()) return;
    const m = /"__CURSOR"\s*:\s*"([^"]+)"/.exec(line);
    if (m) this.cursor = m[1]!;
    try {
      this.opts.onLine(line);
    } catch (e) {
      this.opts.onError?.(e as Error);
    }
  }

  private loadCursor(): string | null {
    if (!this.opts.stateDir) return null;
    try {
      const c = (JSON.parse(readFileSync(join(this.opts.stateDir, JOURNAL_STATE_FILE), 'utf8')) as { cursor?: unknown }).cursor;
      return typeof c === 'string' ? c : null;
    } catch {
      return null;
    }
  }

  private saveCursor(): void {
    if (!this.opts.stateDir || !this.cursor) return;
    try {
      mkdirSync(this.opts.stateDir, { recursive: true });
      const f = join(this.opts.stateDir, JOURNAL_STATE_FILE);
      writeFileSync(`${f}.tmp`, JSON.stringify({ cursor: this.cursor }));
      renameSync(`${f}.tmp`, f);
    } catch (e) {
      this.opts.onError?.(new Error(`saving journal cursor in ${this.opts.stateDir}: ${(e as Error).message}`));
    }
  }
}
