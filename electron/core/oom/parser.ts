// Streaming OOM parser: feed normalised lines in log order, get each kill as
// soon as the line that proves it arrives. Lines of one incident (trigger,
// summary, memcg report, victim) are grouped into one OomKill. Which
// wording means what, for every version of the kernel, earlyoom and
// systemd-oomd, is the table in wordings.ts; the user-space killers' order
// of lines is handled in user-space-killers.ts.
//
// Decisions (see formats.md):
// - The `Killed process` line is the kill (it is never rate-limited). The
//   `oom-kill:` summary only enriches it (constraint, memcg, uid).
// - A summary with a well-formed pid that no `Killed process` line follows
//   within its incident still reports a kill (figures null): 5.x prints the
//   summary right before killing that very task, so a missing Killed line
//   means the log was cut. It is emitted when the incident ends (next
//   trigger, next summary, a >10 s gap, or flush()). `OOM victim … is already
//   exiting` cancels it (the kernel skipped the kill).
// - `Kill process N … or sacrifice child` alone is not a kill: the kernel may
//   have killed a child instead, whose pid only the Killed line names.
// - oom_reaper lines, memcg usage/stats, task tables: context, never kills.
import { createHash } from 'node:crypto';
import type { KernelLogSourceKind, OomKill } from '../../common/state.js';
import type { NormalisedLine } from './line-shapes.js';
import { UserSpaceKillers, type KillFields } from './user-space-killers.js';

export interface OomParserOptions {
  /** What OomKill.source says (the watcher knows; a file scan says 'none'). */
  source?: KernelLogSourceKind;
}

interface Summary {
  constraint: string | null;
  oomMemcg: string | null;
  taskMemcg: string | null;
  comm: string | null;
  pid: number | null;
  uid: number | null;
  line: NormalisedLine;
  consumed: boolean;
  seenAtWall: number;
}

interface Incident {
  at: { usec?: number; ms?: number | null };
  trigger: OomKill['trigger'];
  scope: 'global' | 'memcg' | null;
  memcg: string | null;
  summary: Summary | null;
  selected: { pid: number; comm: string; scope: 'global' | 'memcg' | null } | null;
  /** A Killed line already took this incident's context. */
  killed: boolean;
  /** `memory.oom.group`: every Killed line of the incident shares its context. */
  group: boolean;
}

const INCIDENT_GAP_USEC = 10_000_000;

const num = (s: string | undefined): number | null => {
  if (s === undefined) return null;
  const n = Number(s.replace(/,/g, ''));
  return Number.isSafeInteger(n) ? n : null;
};

const scopeOfMessage = (msg: string | undefined): 'global' | 'memcg' | null =>
  msg === undefined ? null : /memory cgroup/i.test(msg) ? 'memcg' : /out of memory/i.test(msg) ? 'global' : null;

const TRIGGER = /^(.+?) invoked oom-killer: gfp_mask=(0x[0-9a-fA-F]+)(?:\([^)]*\))?,(?:\s*nodemask=[^,]*,)?\s*order=(-?\d+)/;
const CPU_LINE = /^CPU: \d+ (?:UID: \d+ )?PID: (\d+) Comm: (.+?) (?:Not tainted|Tainted|Kdump)/;
const SUMMARY = /oom-kill:constraint=([A-Z_]+)(,.*)?$/;
const SELECT = /(?:(Out of memory(?: \(oom_kill_allocating_task\))?|Memory cgroup out of memory): )?Kill process (\d+) \((.*)\) score (-?\d+) or sacrifice child/;
const SHARING = /Kill process (\d+) \((.*)\) sharing same memory/;
const EXITING = /OOM victim (\d+) \((.*)\) is already exiting/;
const TASK_IN = /^Task in (\S+) killed as a result of limit of (\S+)/;
const LIMIT_REACHED = /^Memory limit reached of cgroup (\S+)/;
const STATS_FOR = /^Memory cgroup stats for (\S+?):/;
const GROUP = /^Tasks in (\S+) are going to be killed due to memory\.oom\.group set/;
const KILLED_AT = 'Killed process ';

function parseSummary(rest: string, constraint: string, line: NormalisedLine): Summary {
  const s: Summary = { constraint, oomMemcg: null, taskMemcg: null, comm: null, pid: null, uid: null, line, consumed: false, seenAtWall: Date.now() };
  const body = rest ?? '';
  // task= may contain commas: anchor on the fixed tail ",pid=N,uid=N".
  const tail = /,task=(.*),pid=(\d+),uid=(\d+)\s*$/.exec(body);
  const head = tail ? body.slice(0, tail.index) : body;
  if (tail) {
    s.comm = tail[1]!;
    s.pid = Number(tail[2]);
    s.uid = Number(tail[3]);
  }
  const oom = /,oom_memcg=(.*?)(?:,task_memcg=|$)/.exec(head);
  if (oom) s.oomMemcg = oom[1]!;
  const task = /,task_memcg=(.*)$/.exec(head);
  if (task) s.taskMemcg = tail ? task[1]! : task[1]!.replace(/>$/, '') + '…'; // cut by a pager: say so
  return s;
}

interface KilledFields {
  message: string | undefined;
  pid: number;
  comm: string;
  uid: number | null;
  totalVmKb: number | null;
  anonRssKb: number | null;
  fileRssKb: number | null;
  shmemRssKb: number | null;
  oomScoreAdj: number | null;
  text: string;
}

/** Parse "… Killed process N (comm) total-vm:…" in all kernel and distro forms; null when not one. */
export function parseKilledLine(text: string): KilledFields | null {
  const at = text.indexOf(KILLED_AT);
  if (at < 0) return null;
  const before = text.slice(0, at);
  const msg = /(Out of memory(?: \(oom_kill_allocating_task\))?|Memory cgroup out of memory): $/.exec(before)?.[1];
  let rest = text.slice(at + KILLED_AT.length);
  const pidM = /^(\d[\d,]*\d|\d)/.exec(rest);
  if (!pidM) return null;
  const pid = num(pidM[1]);
  if (pid === null) return null;
  rest = rest.slice(pidM[0].length);
  let uid: number | null = null;
  // RHEL 6: "Killed process N, UID U, (comm) total-vm:"
  const rhel6 = /^, UID (\d+), /.exec(rest);
  if (rhel6) {
    uid = Number(rhel6[1]);
    rest = rest.slice(rhel6[0].length);
  } else if (rest.startsWith(' ')) rest = rest.slice(1);
  if (!rest.startsWith('(')) return null;
  // comm may hold spaces, '/', '#' and parentheses: it ends at the ')' before the fields.
  const end = /\)(?=,? UID |,? total-vm|\s*$|,?\s*$)/.exec(rest.slice(1));
  if (!end) return null;
  const comm = rest.slice(1, 1 + end.index);
  const fields = rest.slice(1 + end.index + 1);
  const kb = (name: string): number | null => num(new RegExp(`${name}:\\s*([\\d,]+)\\s*kB`).exec(fields)?.[1]);
  const uidM = /UID[: ]\s*(\d+)/.exec(fields);
  if (uidM && uid === null) uid = Number(uidM[1]);
  const adj = /oom_score_adj:\s*(-?\d+)/.exec(fields);
  return {
    message: msg, pid, comm, uid,
    totalVmKb: kb('total-vm'), anonRssKb: kb('anon-rss'), fileRssKb: kb('file-rss'), shmemRssKb: kb('shmem-rss'),
    oomScoreAdj: adj ? Number(adj[1]) : null,
    text,
  };
}

export class OomParser {
  private incident: Incident = OomParser.fresh({});
  private readonly source: KernelLogSourceKind;
  private readonly userSpace = new UserSpaceKillers((line, idText, f, killer) => this.base(line, idText, f, killer));

  constructor(opts: OomParserOptions = {}) {
    this.source = opts.source ?? 'none';
  }

  private static fresh(at: Incident['at']): Incident {
    return { at, trigger: null, scope: null, memcg: null, summary: null, selected: null, killed: false, group: false };
  }

  /** Wall-clock ms since a kill waits for a line that may complete or cancel it, null when none waits (live sources flush after a grace period). */
  pendingSince(): number | null {
    const s = this.incident.summary;
    const kernel = s && !s.consumed && s.pid !== null ? s.seenAtWall : null;
    const user = this.userSpace.pendingSince();
    return kernel === null ? user : user === null ? kernel : Math.min(kernel, user);
  }

  /** Feed one line; returns the kills this line completes. Never throws. */
  push(line: NormalisedLine): OomKill[] {
    try {
      return this.pushUnsafe(line);
    } catch {
      return []; // a parser bug must not take the watcher down; the line is skipped
    }
  }

  /** End of input: report what the open incident still holds. */
  flush(): OomKill[] {
    const out = [...this.finishIncident(), ...this.userSpace.flush()];
    this.incident = OomParser.fresh({});
    return out;
  }

  private pushUnsafe(line: NormalisedLine): OomKill[] {
    const text = line.text;
    const out: OomKill[] = [];
    const user = this.userSpace.push(line);
    if (user) return user;
    if (line.source !== 'kernel' && line.source !== 'other') return [];

    this.maybeGap(line, out);
    const inc = this.incident;
    let m: RegExpExecArray | null;
    if ((m = TRIGGER.exec(text))) {
      out.push(...this.finishIncident());
      this.incident = OomParser.fresh(this.at(line));
      this.incident.trigger = { comm: m[1]!, pid: null, gfpMask: m[2]!, order: Number(m[3]) };
      return out;
    }
    if (text.includes(KILLED_AT)) {
      const k = parseKilledLine(text);
      if (!k) return out;
      this.afterKill(line, out);
      out.push(this.killFromKernel(line, k));
      this.incident.killed = true;
      return out;
    }
    if ((m = SUMMARY.exec(text))) {
      this.afterKill(line, out);
      if (this.incident.summary && !this.incident.summary.consumed) out.push(...this.finishIncident(true));
      this.incident.summary = parseSummary(m[2] ?? '', m[1]!, line);
      if (m[1] === 'CONSTRAINT_MEMCG') this.incident.scope = 'memcg';
      return out;
    }
    if ((m = SELECT.exec(text))) {
      this.afterKill(line, out);
      const inc = this.incident;
      inc.selected = { pid: Number(m[2]), comm: m[3]!, scope: scopeOfMessage(m[1]) };
      if (inc.selected.scope) inc.scope = inc.selected.scope;
      return out;
    }
    if ((m = SHARING.exec(text))) {
      const f: KilledFields = { message: undefined, pid: Number(m[1]), comm: m[2]!, uid: null, totalVmKb: null, anonRssKb: null, fileRssKb: null, shmemRssKb: null, oomScoreAdj: null, text };
      out.push(this.killFromKernel(line, f));
      return out;
    }
    if ((m = EXITING.exec(text))) {
      if (inc.summary && inc.summary.pid === Number(m[1])) inc.summary.consumed = true;
      return out;
    }
    if ((m = CPU_LINE.exec(text))) {
      if (inc.trigger && inc.trigger.pid === null && inc.trigger.comm === m[2]) inc.trigger.pid = Number(m[1]);
      return out;
    }
    if ((m = GROUP.exec(text))) {
      // Printed after the first victim's Killed line: the rest of the cgroup follows.
      inc.scope = 'memcg';
      inc.memcg = m[1]!;
      inc.group = true;
      return out;
    }
    if ((m = TASK_IN.exec(text))) {
      this.afterKill(line, out);
      this.incident.scope = 'memcg';
      this.incident.memcg = m[1]!;
      return out;
    }
    if ((m = LIMIT_REACHED.exec(text)) || (m = STATS_FOR.exec(text))) {
      this.afterKill(line, out);
      this.incident.scope = 'memcg';
      this.incident.memcg ??= m[1]!;
    }
    return out;
  }

  /**
   * The kernel rate-limits every line of an OOM but the Killed one, so lines
   * after a kill (another Killed line, a summary, a cgroup line) belong to
   * another OOM whose first lines were dropped: they must not inherit this
   * one's cgroup and trigger. Under memory.oom.group one OOM kills the whole
   * cgroup, and its Killed lines share the context.
   */
  private afterKill(line: NormalisedLine, out: OomKill[]): void {
    if (!this.incident.killed || this.incident.group) return;
    out.push(...this.finishIncident());
    this.incident = OomParser.fresh(this.at(line));
  }

  private at(line: NormalisedLine): Incident['at'] {
    return line.kernelUsec !== undefined ? { usec: line.kernelUsec } : { ms: line.time ?? null };
  }

  /** A line far from the incident's start begins a new one (lines of one OOM are µs apart). */
  private maybeGap(line: NormalisedLine, out: OomKill[]): void {
    const a = this.incident.at;
    const far =
      (line.kernelUsec !== undefined && a.usec !== undefined && Math.abs(line.kernelUsec - a.usec) > INCIDENT_GAP_USEC) ||
      (line.kernelUsec === undefined && line.time != null && a.ms != null && Math.abs(line.time - a.ms) > INCIDENT_GAP_USEC / 1000);
    if (far) {
      out.push(...this.finishIncident());
      this.incident = OomParser.fresh(this.at(line));
    } else if (a.usec === undefined && a.ms == null) {
      this.incident.at = this.at(line);
    }
  }

  /** Close the incident: a summary that no Killed line consumed is still a kill. */
  private finishIncident(keepContext = false): OomKill[] {
    const inc = this.incident;
    const s = inc.summary;
    const out: OomKill[] = [];
    if (s && !s.consumed && s.pid !== null) {
      s.consumed = true;
      const memcgScope = s.constraint === 'CONSTRAINT_MEMCG' || s.oomMemcg !== null;
      out.push(this.base(s.line, s.line.text, {
        pid: s.pid, comm: s.comm ?? '', scope: memcgScope ? 'memcg' : 'global', constraint: s.constraint,
        memcg: s.taskMemcg ?? s.oomMemcg, uid: s.uid, trigger: inc.trigger,
      }));
    }
    if (keepContext) inc.summary = null;
    return out;
  }

  private killFromKernel(line: NormalisedLine, k: KilledFields): OomKill {
    const inc = this.incident;
    const s = inc.summary && !inc.summary.consumed && (inc.summary.pid === null || inc.summary.pid === k.pid) ? inc.summary : null;
    if (s) s.consumed = true;
    const scope: 'global' | 'memcg' =
      scopeOfMessage(k.message) ??
      inc.selected?.scope ??
      (s ? (s.constraint === 'CONSTRAINT_MEMCG' || s.oomMemcg !== null ? 'memcg' : 'global') : null) ??
      inc.scope ??
      'global';
    inc.selected = null;
    const kill = this.base(line, k.text, {
      pid: k.pid, comm: k.comm, scope, constraint: s?.constraint ?? null,
      memcg: s ? s.taskMemcg ?? s.oomMemcg : scope === 'memcg' ? inc.memcg : null,
      uid: k.uid ?? s?.uid ?? null, trigger: inc.trigger,
    });
    kill.totalVmKb = k.totalVmKb;
    kill.anonRssKb = k.anonRssKb;
    kill.fileRssKb = k.fileRssKb;
    kill.shmemRssKb = k.shmemRssKb;
    kill.oomScoreAdj = k.oomScoreAdj;
    return kill;
  }

  private base(
    line: NormalisedLine,
    idText: string,
    f: KillFields,
    killer: OomKill['killer'] = 'kernel',
  ): OomKill {
    const id = line.bootId && line.seq !== undefined ? `${line.bootId}:${line.seq}` : createHash('sha1').update(`${idText}\0${line.timeText ?? ''}`).digest('hex').slice(0, 16);
    return {
      id, time: line.time ?? null, timeText: line.timeText, pid: f.pid, comm: f.comm, scope: f.scope, constraint: f.constraint,
      memcg: f.memcg, totalVmKb: null, anonRssKb: null, fileRssKb: null, shmemRssKb: null, uid: f.uid, oomScoreAdj: null,
      killer, trigger: f.trigger ? { ...f.trigger } : null, backend: null, largestConsumer: null, source: this.source,
    };
  }
}

/** Parse a whole list of lines (saved logs, tests). */
export function parseLines(lines: Iterable<NormalisedLine>, opts?: OomParserOptions): OomKill[] {
  const p = new OomParser(opts);
  const out: OomKill[] = [];
  for (const l of lines) out.push(...p.push(l));
  out.push(...p.flush());
  return out;
}
