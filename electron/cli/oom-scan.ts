// `vigil oom-scan [FILE|-] [--json]`: run the OOM parser over a saved log in
// any common shape (kmsg records, dmesg, dmesg -T, dmesg --time-format iso,
// syslog, journalctl short/short-iso/json, dmesg --json) and print the kills.
import type { OomKill } from '../common/state.js';
import { scanText } from '../core/oom/index.js';

export interface ScanIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  readFile(path: string): Promise<string>;
}

export const OOM_SCAN_HELP = `usage: vigil oom-scan [FILE|-] [--json]

Find OOM kills (kernel, earlyoom, systemd-oomd) in a saved log and print one
line per kill. FILE may hold kmsg records, dmesg / dmesg -T / dmesg --time-format iso
output, syslog, journalctl (short, short-iso, -o json) or a dmesg --json document.
'-' or no FILE reads standard input.

  --json   one JSON object per kill (pid, comm, scope, memcg, anonRssKb, fileRssKb,
           shmemRssKb, totalVmKb, uid, oomScoreAdj, killer, time …)
  --help   this text
Exit status: 0 ok (kills or not), 2 usage or unreadable input.
`;

const mib = (kb: number | null | undefined): string => (kb == null ? '?' : kb === 0 ? '0' : `${(kb / 1024).toFixed(1)} MiB`);

const pad = (n: number): string => String(n).padStart(2, '0');
function when(k: OomKill): string {
  if (k.time != null) {
    const d = new Date(k.time);
    return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }
  return k.timeText ?? '(no time)';
}

export function formatKillLine(k: OomKill): string {
  const parts = [`${when(k)}  killed ${k.comm} (pid ${k.pid})`];
  if (k.anonRssKb != null || k.fileRssKb != null) parts.push(`anon-rss ${mib(k.anonRssKb)}  file ${mib(k.fileRssKb)}  shmem ${mib(k.shmemRssKb)}`);
  else if (k.rssKb != null) parts.push(`rss ${mib(k.rssKb)}`);
  if (k.memcg) parts.push(`memcg ${k.memcg}`);
  else if (k.scope === 'memcg') parts.push('memcg');
  parts.push(`[${k.killer}]`);
  return parts.join('  ');
}

export function killJson(k: OomKill): Record<string, unknown> {
  return {
    pid: k.pid, comm: k.comm, scope: k.scope, constraint: k.constraint, memcg: k.memcg,
    totalVmKb: k.totalVmKb, anonRssKb: k.anonRssKb, fileRssKb: k.fileRssKb, shmemRssKb: k.shmemRssKb, rssKb: k.rssKb ?? null,
    uid: k.uid, oomScoreAdj: k.oomScoreAdj, killer: k.killer, time: k.timeText, timeMs: k.time, trigger: k.trigger, id: k.id,
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export async function runOomScan(argv: string[], io: ScanIo): Promise<number> {
  let json = false;
  let file: string | null = null;
  for (const a of argv) {
    if (a === '--help' || a === '-h') {
      io.stdout.write(OOM_SCAN_HELP);
      return 0;
    } else if (a === '--json') json = true;
    else if (a.startsWith('--')) {
      io.stderr.write(`vigil oom-scan: unknown option ${a}\n${OOM_SCAN_HELP}`);
      return 2;
    } else if (file === null) file = a;
    else {
      io.stderr.write(`vigil oom-scan: one FILE only (got ${file} and ${a})\n`);
      return 2;
    }
  }
  let text: string;
  const where = file === null || file === '-' ? 'standard input' : file;
  try {
    text = file === null || file === '-' ? await readAll(io.stdin) : await io.readFile(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'is a directory' : err.message;
    io.stderr.write(`vigil oom-scan: cannot read ${where}: ${why}\n`);
    return 2;
  }
  let kills: OomKill[];
  try {
    kills = scanText(text, where);
  } catch (e) {
    io.stderr.write(`vigil oom-scan: ${(e as Error).message}\n`);
    return 2;
  }
  for (const k of kills) io.stdout.write(`${json ? JSON.stringify(killJson(k)) : formatKillLine(k)}\n`);
  if (!json) io.stderr.write(`${kills.length} OOM kill(s) found in ${where}\n`);
  return 0;
}
