// One /dev/kmsg record: "prio,seq,usec,flags[,more];text\n[ KEY=value\n]…"
// (Documentation/ABI/testing/dev-kmsg). The kernel escapes non-printable
// bytes in the text as \xNN; continuation lines carry device metadata.

export interface KmsgRecord {
  /** syslog facility (prio >> 3); 0 = kernel. */
  facility: number;
  /** syslog level (prio & 7); 3 = err, the OOM killer's level. */
  level: number;
  seq: number;
  /** CLOCK_MONOTONIC µs when the kernel logged it. */
  usec: number;
  /** '-' for a complete record, 'c'/'+' for continuation fragments (old kernels). */
  flags: string;
  text: string;
  /** KEY=value continuation lines (SUBSYSTEM, DEVICE…). */
  meta: Record<string, string>;
}

/** Decode the kernel's \xNN escapes (a literal backslash arrives as \x5c). */
export function unescapeKmsg(text: string): string {
  if (!text.includes('\\x')) return text;
  const bytes: number[] = [];
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x5c && raw[i + 1] === 0x78 && i + 3 < raw.length) {
      const hex = raw.subarray(i + 2, i + 4).toString('latin1');
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 3;
        continue;
      }
    }
    bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

const HEADER = /^(\d+),(\d+),(\d+),([^,;]*)(?:,[^;]*)?;/;

/** Parse one record; null when the text is not a kmsg record (never throws). */
export function parseKmsgRecord(record: string): KmsgRecord | null {
  const m = HEADER.exec(record);
  if (!m) return null;
  const prio = Number(m[1]);
  const seq = Number(m[2]);
  const usec = Number(m[3]);
  if (!Number.isSafeInteger(prio) || !Number.isSafeInteger(seq) || !Number.isSafeInteger(usec)) return null;
  const body = record.slice(m[0].length);
  const lines = body.split('\n');
  const meta: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (!line.startsWith(' ')) continue;
    const eq = line.indexOf('=');
    if (eq > 1) meta[line.slice(1, eq)] = unescapeKmsg(line.slice(eq + 1));
  }
  return { facility: prio >> 3, level: prio & 7, seq, usec, flags: m[4] ?? '', text: unescapeKmsg(lines[0] ?? ''), meta };
}
