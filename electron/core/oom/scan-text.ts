// A whole saved log in any common shape (kmsg records, dmesg, syslog,
// journalctl, dmesg --json) run through the OOM parser: what `vigil oom-scan`
// prints and what tests feed the attribution rules.
import type { OomKill } from '../../common/state.js';
import { looksLikeDmesgJson, normaliseLine, parseDmesgJson } from './line-shapes.js';
import { OomParser } from './parser.js';

/** Scan the text of a log; pure, for tests and other hosts. Throws a clear Error for a broken dmesg --json document. */
export function scanText(text: string, where = 'input'): OomKill[] {
  const parser = new OomParser({ source: 'none' });
  const out: OomKill[] = [];
  const lines = looksLikeDmesgJson(text) ? parseDmesgJson(text, where) : text.split('\n').map((l) => normaliseLine(l.replace(/\r$/, '')));
  for (const l of lines) out.push(...parser.push(l));
  out.push(...parser.flush());
  return out;
}
