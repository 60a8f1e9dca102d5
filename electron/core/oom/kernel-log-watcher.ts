// Picks the best OOM source and turns its lines into OomKill events:
//   /dev/kmsg readable → 'kmsg' (kernel kills, lowest latency), plus the
//     journal for earlyoom/systemd-oomd when it can be read;
//   else the journal has kernel lines → 'journal';
//   else 'cgroup': only the per-backend cgroup counters (another module)
//     can tell an OOM kill; the status hint says how to get more.
import type { KernelLogStatus, OomKill } from '../../common/state.js';
import { JournalSource, probeJournal, type JournalWhat } from './journal-source.js';
import { KmsgReader } from './kmsg-reader.js';
import { formatKernelStamp, normaliseLine, type NormalisedLine } from './line-shapes.js';
import { OomParser } from './parser.js';
import { readFileSync } from 'node:fs';

export type KernelLogSourceChoice = 'kmsg' | 'journal';

export interface KernelLogWatcherOptions {
  stateDir: string;
  kmsgPath?: string;
  /** journalctl binary; null disables the journal. */
  journalctl?: string | null;
  sources?: KernelLogSourceChoice[];
  pollMs?: number;
  /** /dev/kmsg: wake on readiness (default) or poll only (benchmark baseline). */
  kmsgReadiness?: boolean;
  onKill(kill: OomKill): void;
  onStatus(s: KernelLogStatus): void;
  onError?(err: Error): void;
}

/** A summary line waiting for its Killed line is reported on its own after this long. */
const SUMMARY_GRACE_MS = 1000;

const KMSG_HINT =
  'to read kernel OOM kills directly, allow /dev/kmsg: `sudo sysctl kernel.dmesg_restrict=0` (persist in /etc/sysctl.d/), or give Vigil CAP_SYSLOG: `sudo setcap cap_syslog+ep <path to vigil executable>`';
const JOURNAL_HINT = 'or read them from the journal: `sudo usermod -aG systemd-journal $USER` (or group adm), then log in again';

function dmesgRestrict(): string {
  try {
    return readFileSync('/proc/sys/kernel/dmesg_restrict', 'utf8').trim();
  } catch {
    return '?';
  }
}

/** ms since epoch of boot on the kernel's printk clock (CLOCK_MONOTONIC, which libuv's hrtime also reads). */
export const bootTimeMs = (): number => Date.now() - Number(process.hrtime.bigint() / 1000n) / 1000;

export class KernelLogWatcher {
  private kmsg: KmsgReader | null = null;
  private journal: JournalSource | null = null;
  private kmsgParser = new OomParser({ source: 'kmsg' });
  private journalParser = new OomParser({ source: 'journal' });
  private graceTimer: NodeJS.Timeout | null = null;
  private status: KernelLogStatus = { active: 'none', detail: 'not started', hint: null };
  private readonly seen = new Set<string>();

  constructor(private readonly opts: KernelLogWatcherOptions) {}

  get current(): KernelLogStatus {
    return this.status;
  }

  async start(): Promise<void> {
    const sources = this.opts.sources ?? ['kmsg', 'journal'];
    const journalctl = this.opts.journalctl === undefined ? 'journalctl' : this.opts.journalctl;
    let kmsgProblem: string | null = null;

    if (sources.includes('kmsg')) {
      const boot = bootTimeMs();
      const reader = new KmsgReader({
        path: this.opts.kmsgPath ?? '/dev/kmsg',
        stateDir: this.opts.stateDir,
        pollMs: this.opts.pollMs,
        ...(this.opts.kmsgReadiness === false ? { readiness: false } : {}),
        onRecord: (rec, bootId) => {
          if (rec.facility !== 0) return;
          const line: NormalisedLine = { text: rec.text, timeText: formatKernelStamp(rec.usec), time: Math.round(boot + rec.usec / 1000), kernelUsec: rec.usec, seq: rec.seq, bootId, source: 'kernel' };
          this.emit(this.kmsgParser.push(line));
        },
        onGap: (g) => this.opts.onError?.(new Error(`kernel log: records ${g.reason} (expected seq ${g.expected}${g.got !== null ? `, got ${g.got}` : ''}); some OOM lines may be missing`)),
        onError: (e) => this.opts.onError?.(e),
      });
      try {
        await reader.start();
        this.kmsg = reader;
      } catch (e) {
        kmsgProblem = `${(e as Error).message} (kernel.dmesg_restrict=${dmesgRestrict()})`;
      }
    }

    if (this.kmsg) {
      this.setStatus({ active: 'kmsg', detail: `reading ${this.kmsg.path} (boot ${this.kmsg.bootId.slice(0, 8)}, seq ${this.kmsg.position})`, hint: null });
      // User-space killers never write to /dev/kmsg: follow them in the journal when we can.
      if (sources.includes('journal') && journalctl) await this.startJournal(journalctl, 'userspace').catch(() => undefined);
    } else if (sources.includes('journal') && journalctl) {
      const probe = await probeJournal(journalctl);
      if (probe.ok && (await this.startJournal(journalctl, 'both').then(() => true, () => false))) {
        this.setStatus({ active: 'journal', detail: `reading the journal via ${journalctl}${kmsgProblem ? `; ${kmsgProblem}` : ''}`, hint: kmsgProblem ? KMSG_HINT : null });
      } else {
        this.fallBack(kmsgProblem, probe.detail);
      }
    } else {
      this.fallBack(kmsgProblem, sources.includes('journal') ? 'journal disabled (no journalctl)' : 'journal not enabled');
    }
    this.graceTimer = setInterval(() => this.flushStale(), 250);
    this.graceTimer.unref();
  }

  stop(): void {
    if (this.graceTimer) clearInterval(this.graceTimer);
    this.graceTimer = null;
    this.kmsg?.stop();
    this.kmsg = null;
    this.journal?.stop();
    this.journal = null;
  }

  private fallBack(kmsgProblem: string | null, journalProblem: string): void {
    const why = [kmsgProblem ?? 'kernel log disabled', journalProblem].join('; ');
    this.setStatus({ active: 'cgroup', detail: `OOM kills only from per-backend cgroup counters: ${why}`, hint: `${KMSG_HINT}; ${JOURNAL_HINT}` });
  }

  private async startJournal(journalctl: string, what: JournalWhat): Promise<void> {
    const src = new JournalSource({
      journalctl,
      what,
      stateDir: this.opts.stateDir,
      onLine: (l) => this.emit(this.journalParser.push(normaliseLine(l))),
      onError: (e) => this.opts.onError?.(e),
    });
    await src.start();
    this.journal = src;
  }

  private flushStale(): void {
    for (const p of [this.kmsgParser, this.journalParser]) {
      const since = p.pendingSince();
      if (since !== null && Date.now() - since > SUMMARY_GRACE_MS) this.emit(p.flush());
    }
  }

  private emit(kills: OomKill[]): void {
    for (const k of kills) {
      if (this.seen.has(k.id)) continue;
      this.seen.add(k.id);
      if (this.seen.size > 10_000) this.seen.clear(); // bounded; ids only guard against replays within a run
      try {
        this.opts.onKill(k);
      } catch (e) {
        this.opts.onError?.(e as Error);
      }
    }
  }

  private setStatus(s: KernelLogStatus): void {
    this.status = s;
    this.opts.onStatus(s);
  }
}


