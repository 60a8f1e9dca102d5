// One llama-server log line as the parsers read it: without the prefixes
// that vary by version and by whoever captured it (llama.cpp's own
// "0.00.039.360 I " timestamp and level, a journald or docker-compose
// prefix), and with the message of a JSON log line (builds of early 2024
// log JSON objects) turned back into text.

export interface LogLine {
  /** The line without its prefixes. */
  text: string;
  /** llama.cpp's level letter when the line carries one ('I', 'W', 'E', 'D'), else null. */
  level: string | null;
}

// llama.cpp's prefix (common/log.cpp): time since start as m.ss.mmm.uuu, then the level letter.
const LLAMA_PREFIX = /^\d+\.\d+\.\d+\.\d+ ([A-Z]) /;
// journald/syslog ("Aug 27 11:21:11 host llama[55781]: ") and docker-compose ("llama-cpp    | ").
const CAPTURE_PREFIX = /^(?:[A-Z][a-z]{2} +\d+ [\d:]+ \S+ [^\s:]+: |[\w.-]+ +\| )/;

export function normalizeLine(raw: string): LogLine {
  let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  const cap = CAPTURE_PREFIX.exec(text);
  if (cap) text = text.slice(cap[0].length);
  let level: string | null = null;
  const pre = LLAMA_PREFIX.exec(text);
  if (pre) {
    level = pre[1]!;
    text = text.slice(pre[0].length);
  }
  if (text.startsWith('{') && text.endsWith('}')) {
    const json = fromJson(text);
    if (json) return json;
  }
  return { text, level };
}

// {"timestamp":…,"level":"INFO","function":"main","msg":"HTTP server listening","hostname":"127.0.0.1","port":"8080"}
function fromJson(text: string): LogLine | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (!o || typeof o !== 'object') return null;
  const rec = o as Record<string, unknown>;
  const msg = rec.msg ?? rec.message;
  if (typeof msg !== 'string') return null;
  const fn = typeof rec.function === 'string' ? `${rec.function}: ` : '';
  const extra: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (QUIET.has(k) || (typeof v !== 'string' && typeof v !== 'number')) continue;
    extra.push(`${k} = ${String(v)}`);
  }
  const level = typeof rec.level === 'string' ? rec.level.charAt(0).toUpperCase() : null;
  return { text: `${fn}${msg}${extra.length ? ` | ${extra.join(', ')}` : ''}`, level };
}

// Fields of a JSON log line that are about the logging, not the event.
const QUIET = new Set(['tid', 'timestamp', 'level', 'function', 'line', 'msg', 'message']);

const UNIT: Record<string, number> = { B: 1, KIB: 1024, KB: 1024, MIB: 1024 ** 2, MB: 1024 ** 2, GIB: 1024 ** 3, GB: 1024 ** 3 };

/**
 * Bytes of '7.95', 'MiB'. llama.cpp divides by 1024² for both its 'MiB' and
 * its older 'MB' labels, so both are binary here.
 */
export function toBytes(value: string, unit: string): number | null {
  const n = Number(value);
  const f = UNIT[unit.toUpperCase()];
  return Number.isFinite(n) && f !== undefined ? Math.round(n * f) : null;
}
