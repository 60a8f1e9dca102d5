// Normalise one saved or live log line, in whatever common shape it comes,
// to the message text plus what the shape says about time, host and origin.
// Never throws: an unknown shape is returned as source 'other' with the
// whole line as text, so the parser can still look inside it.
import { parseKmsgRecord } from './kmsg-record.js';

export type LineSource = 'kernel' | 'earlyoom' | 'systemd-oomd' | 'other';

export interface NormalisedLine {
  text: string;
  /** The timestamp exactly as the line gave it, null when none. */
  timeText: string | null;
  /** ms since epoch when the shape allows it (no year in syslog → current year guessed). */
  time?: number | null;
  /** Kernel CLOCK_MONOTONIC µs ([  514.682838] or the kmsg usec field). */
  kernelUsec?: number;
  host?: string;
  source: LineSource;
  /** kmsg sequence number and boot id: together they make a stable kill id. */
  seq?: number;
  bootId?: string;
  /** Sender pid (syslog `ident[pid]`, journal _PID). */
  pid?: number;
}

export interface ShapeOptions {
  /** ms since epoch of boot, to turn kernel µs into wall time (kmsg records). */
  bootTimeMs?: number;
  bootId?: string;
  /** "now" for syslog lines without a year (tests pin it). */
  now?: number;
}

const IDENT_SOURCE: Record<string, LineSource> = { kernel: 'kernel', earlyoom: 'earlyoom', 'systemd-oomd': 'systemd-oomd' };
const sourceOfIdent = (ident: string | undefined): LineSource => (ident ? IDENT_SOURCE[ident] ?? 'other' : 'other');

export const formatKernelStamp = (usec: number): string => `[${(usec / 1e6).toFixed(6).padStart(12)}]`;

const KMSG = /^\d+,\d+,\d+,[^;\n]*;/;
// "[  514.682838] text"; posts sometimes lose the leading '['; `dmesg -r` adds "<3>".
const DMESG = /^(?:<\d+>)?(\[?\s*(\d+)\.(\d{1,9})\])\s?(.*)$/s;
const DMESG_T = /^(?:<\d+>)?(\[([A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4})\])\s?(.*)$/s;
const ISO = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[,.]\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+(.*)$/s;
// "May 15 23:09:27[.123456] host ident[pid]: msg" (host optional: some journals omit it).
const SYSLOG = /^(\S{3,}\s+\d{1,2}\s+\d\d:\d\d:\d\d(?:\.\d+)?)\s+(.*)$/s;
const TAIL_WITH_HOST = /^(\S*[^\s:])\s+([^\s[\]:]+)(?:\[(\d+)\])?:\s?(.*)$/s;
const TAIL_NO_HOST = /^([^\s[\]:]+)(?:\[(\d+)\])?:\s(.*)$/s;

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

/** Syslog time has no year: take the year that puts it not in the future (as journalctl does). */
// Logs repeat the same second many times and Date construction dominates the cost: remember the last one.
let lastStamp = { stamp: '', now: 0, time: null as number | null };
function syslogTime(stamp: string, now: number): number | null {
  if (stamp === lastStamp.stamp && Math.abs(now - lastStamp.now) < 60_000) return lastStamp.time;
  const time = syslogTimeUncached(stamp, now);
  lastStamp = { stamp, now, time };
  return time;
}

function syslogTimeUncached(stamp: string, now: number): number | null {
  const m = /^([A-Z][a-z]{2})\s+(\d{1,2})\s+(\d\d):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(stamp);
  if (!m) return null;
  const month = MONTHS[m[1]!];
  if (month === undefined) return null;
  const ms = m[6] ? Math.floor(Number(`0.${m[6]}`) * 1000) : 0;
  const year = new Date(now).getFullYear();
  let t = new Date(year, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms).getTime();
  if (t > now + 86_400_000) t = new Date(year - 1, month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms).getTime();
  return t;
}

/** Strip an inner "[  514.682838] " kernel stamp (syslog/journal kernel lines carry one). Mutates: hot path. */
const INNER_STAMP = /^\[\s*(\d+)\.(\d{1,9})\]\s?/;
function innerStamp(line: NormalisedLine): NormalisedLine {
  if (line.text.charCodeAt(0) !== 0x5b /* [ */) return line;
  const m = INNER_STAMP.exec(line.text);
  if (!m) return line;
  line.text = line.text.slice(m[0].length);
  line.kernelUsec = usecOf(m[1]!, m[2]!);
  return line;
}

const POW = [1e6, 1e5, 1e4, 1e3, 100, 10, 1];
const usecOf = (sec: string, frac: string): number =>
  Number(sec) * 1e6 + (frac.length <= 6 ? Number(frac) * POW[frac.length]! : Number(frac.slice(0, 6)));

/** After a timestamp: "host ident[pid]: msg" or, for dmesg-style shapes, the bare kernel text. */
function tail(rest: string, timeText: string, time: number | null, hostRequired: boolean): NormalisedLine {
  const m = TAIL_WITH_HOST.exec(rest);
  if (m) {
    const base: NormalisedLine = { text: m[4]!, timeText, time, host: m[1]!, source: sourceOfIdent(m[2]) };
    if (m[3]) base.pid = Number(m[3]);
    return base.source === 'kernel' ? innerStamp(base) : base;
  }
  const n = TAIL_NO_HOST.exec(rest);
  if (n && !hostRequired) {
    const base: NormalisedLine = { text: n[3]!, timeText, time, source: sourceOfIdent(n[1]) };
    if (n[2]) base.pid = Number(n[2]);
    return base.source === 'kernel' ? innerStamp(base) : base;
  }
  return { text: rest, timeText, time, source: 'other' };
}

function journalJson(line: string): NormalisedLine | null {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return null;
  const j = o as Record<string, unknown>;
  let msg = j.MESSAGE;
  // journald stores non-UTF-8 messages as byte arrays.
  if (Array.isArray(msg)) msg = Buffer.from(msg.filter((b): b is number => typeof b === 'number')).toString('utf8');
  if (typeof msg !== 'string') return null;
  const rt = typeof j.__REALTIME_TIMESTAMP === 'string' ? j.__REALTIME_TIMESTAMP : null;
  const ident = typeof j.SYSLOG_IDENTIFIER === 'string' ? j.SYSLOG_IDENTIFIER : undefined;
  const source: LineSource = j._TRANSPORT === 'kernel' ? 'kernel' : sourceOfIdent(ident);
  const out: NormalisedLine = { text: msg, timeText: rt, time: rt && /^\d+$/.test(rt) ? Math.floor(Number(rt) / 1000) : null, source };
  if (typeof j._HOSTNAME === 'string') out.host = j._HOSTNAME;
  if (typeof j._PID === 'string' && /^\d+$/.test(j._PID)) out.pid = Number(j._PID);
  if (typeof j._BOOT_ID === 'string') out.bootId = j._BOOT_ID;
  const mono = j._SOURCE_MONOTONIC_TIMESTAMP;
  if (source === 'kernel' && typeof mono === 'string' && /^\d+$/.test(mono)) out.kernelUsec = Number(mono);
  return out;
}

/** Normalise one line (no trailing newline needed). Never throws. */
export function normaliseLine(raw: string, opts: ShapeOptions = {}): NormalisedLine {
  const line = raw.endsWith('\n') ? raw.slice(0, -1) : raw;
  const now = opts.now ?? Date.now();
  if (KMSG.test(line)) {
    const rec = parseKmsgRecord(line);
    if (rec) {
      const out: NormalisedLine = {
        text: rec.text,
        timeText: formatKernelStamp(rec.usec),
        time: opts.bootTimeMs !== undefined ? Math.round(opts.bootTimeMs + rec.usec / 1000) : null,
        kernelUsec: rec.usec,
        seq: rec.seq,
        // Facility 0 is the kernel; user space writing to /dev/kmsg gets 1 (user).
        source: rec.facility === 0 ? 'kernel' : 'other',
      };
      if (opts.bootId) out.bootId = opts.bootId;
      return out;
    }
  }
  if (line.startsWith('{')) {
    const j = journalJson(line);
    if (j) return j;
  }
  let m = DMESG.exec(line);
  if (m) return { text: m[4]!, timeText: m[1]!.startsWith('[') ? m[1]! : `[${m[1]!}`, time: null, kernelUsec: usecOf(m[2]!, m[3]!), source: 'kernel' };
  m = DMESG_T.exec(line);
  if (m) {
    const t = Date.parse(m[2]!.replace(/\s+/g, ' '));
    return { text: m[3]!, timeText: m[1]!, time: Number.isFinite(t) ? t : null, source: 'kernel' };
  }
  m = ISO.exec(line);
  if (m) {
    // Date.parse wants '.' for fractions and '+00:00' (journalctl prints '+0000').
    const t = Date.parse(m[1]!.replace(',', '.').replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
    const time = Number.isFinite(t) ? t : null;
    // journalctl -o short-iso has "host ident:"; dmesg --time-format iso is bare kernel text.
    const withHost = TAIL_WITH_HOST.exec(m[2]!);
    if (withHost) return tail(m[2]!, m[1]!, time, true);
    return { text: m[2]!, timeText: m[1]!, time, source: 'kernel' };
  }
  m = SYSLOG.exec(line);
  if (m) return tail(m[2]!, m[1]!, syslogTime(m[1]!, now), false);
  return { text: line, timeText: null, time: null, source: 'other' };
}

/** `dmesg --json` output: one JSON document {"dmesg":[{pri,time,msg}…]}. Throws a clear Error on bad input. */
export function parseDmesgJson(doc: string, where = 'input'): NormalisedLine[] {
  let o: unknown;
  try {
    o = JSON.parse(doc);
  } catch (e) {
    throw new Error(`${where}: not valid dmesg --json output (${(e as Error).message})`, { cause: e });
  }
  const list = (o as { dmesg?: unknown } | null)?.dmesg;
  if (!Array.isArray(list)) throw new Error(`${where}: dmesg --json document has no "dmesg" array`);
  const out: NormalisedLine[] = [];
  for (const entry of list) {
    const e = entry as Record<string, unknown> | null;
    if (!e || typeof e.msg !== 'string') continue; // skip malformed entries rather than lose the rest
    const pri = typeof e.pri === 'number' ? e.pri : 0;
    const line: NormalisedLine = { text: e.msg, timeText: null, time: null, source: pri >> 3 === 0 ? 'kernel' : 'other' };
    if (typeof e.time === 'number') {
      line.kernelUsec = Math.round(e.time * 1e6);
      line.timeText = formatKernelStamp(line.kernelUsec);
    } else if (typeof e.time === 'string') {
      // --time-format iso puts a string here.
      line.timeText = e.time;
      const t = Date.parse(e.time.replace(',', '.'));
      line.time = Number.isFinite(t) ? t : null;
    }
    out.push(line);
  }
  return out;
}

/** True when a whole text looks like a `dmesg --json` document rather than lines. */
export const looksLikeDmesgJson = (text: string): boolean => /^\s*\{\s*"dmesg"\s*:/.test(text);
