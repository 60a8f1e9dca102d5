// A /proc tree in a temp dir (loadavg, <pid>/stat, <pid>/cmdline) for the
// discovery tests that need exact control over what pids exist and when the
// kernel "hands out" one: the gating, fork-then-exec and exec-later cases.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers.js';

export interface FakeProcess {
  comm: string;
  argv: string[];
  ppid?: number;
  state?: string;
  startTime?: number;
}

export class FakeProc {
  readonly root: string;
  readonly cleanup: () => void;
  private lastPid = 300;

  constructor() {
    const t = tempDir('vigil-fake-proc-');
    this.root = t.dir;
    this.cleanup = t.cleanup;
    this.writeLoadavg();
  }

  /** The kernel handed out a pid (loadavg's last-pid field moves). */
  handOut(pid = this.lastPid + 1): void {
    this.lastPid = pid;
    this.writeLoadavg();
  }

  add(pid: number, p: FakeProcess): void {
    mkdirSync(path.join(this.root, String(pid)), { recursive: true });
    this.write(pid, p);
  }

  /** exec: new command line (and comm), same pid and start time. */
  exec(pid: number, p: FakeProcess): void {
    this.write(pid, p);
  }

  remove(pid: number): void {
    rmSync(path.join(this.root, String(pid)), { recursive: true, force: true });
  }

  private write(pid: number, p: FakeProcess): void {
    const stat = `${pid} (${p.comm}) ${p.state ?? 'S'} ${p.ppid ?? 1} ${pid} ${pid} 0 -1 4194304 0 0 0 0 0 0 0 0 20 0 1 0 ${p.startTime ?? 1000 + pid} 1000000 250 18446744073709551615`;
    writeFileSync(path.join(this.root, String(pid), 'stat'), `${stat}\n`);
    writeFileSync(path.join(this.root, String(pid), 'cmdline'), p.argv.length ? `${p.argv.join('\0')}\0` : '');
  }

  private writeLoadavg(): void {
    writeFileSync(path.join(this.root, 'loadavg'), `0.10 0.20 0.30 1/123 ${this.lastPid}\n`);
  }
}
