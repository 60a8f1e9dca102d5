import type { OomKill } from '../../common/state.js';
export interface ScanIo {
    stdin: NodeJS.ReadableStream;
    stdout: {
        write(s: string): unknown;
    };
    stderr: {
        write(s: string): unknown;
    };
    readFile(path: string): Promise<string>;
}
export declare const OOM_SCAN_HELP = "usage: vigil oom-scan [FILE|-] [--json]\n\nFind OOM kills (kernel, earlyoom, systemd-oomd) in a saved log and print one\nline per kill. FILE may hold kmsg records, dmesg / dmesg -T / dmesg --time-format iso\noutput, syslog, journalctl (short, short-iso, -o json) or a dmesg --json document.\n'-' or no FILE reads standard input.\n\n  --json   one JSON object per kill (pid, comm, scope, memcg, anonRssKb, fileRssKb,\n           shmemRssKb, totalVmKb, uid, oomScoreAdj, killer, time \u2026)\n  --help   this text\nExit status: 0 ok (kills or not), 2 usage or unreadable input.\n";
export declare function formatKillLine(k: OomKill): string;
export declare function killJson(k: OomKill): Record<string, unknown>;
/** Scan the text of a log; pure, for tests and other hosts. Throws a clear Error for a broken dmesg --json document. */
export declare function scanText(text: string, where?: string): OomKill[];
export declare function runOomScan(argv: string[], io: ScanIo): Promise<number>;
