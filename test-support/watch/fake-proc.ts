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
  /** 17 (SIGCHLD) for a process; -1 makes it a thread of another process. */
  exitSignal?: number;
}

export class FakeProc {
  readonly root: string;
  readonly cleanup: () => void;
  private lastPid = 200;

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
    // Fields 3–52 as the kernel prints them; 22 start time, 24 RSS pages, 38 exit signal.
    const f = ['S', 1, pid, pid, 0, -1, 4194304, 0, 0, 0, 0, 0, 0, 0, 0, 20, 0, 1, 0, 0, 1000000, 250, '18446744073709551615', 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0].map(String);
    f[0] = p.state ?? 'S';
    f[1] = String(p.ppid ?? 1);
    f[19] = String(p.startTime ?? 1000 + pid);
    f[35] = String(p.exitSignal ?? 17);
    const stat = `${pid} (${p.comm}) ${f.join(' ')}`;
    writeFileSync(path.join(this.root, String(pid), 'stat'), `${stat}\n`);
    writeFileSync(path.join(this.root, String(pid), 'cmdline'), p.argv.length ? `${p.argv.join('\0')}\0` : '');
  }

  private writeLoadavg(): void {
    writeFileSync(path.join(this.root, 'loadavg'), `0.10 0.20 0.30 1/123 ${this.lastPid}\n`);
    mkdirSync(path.join(this.root, 'sys/kernel'), { recursive: true });
    writeFileSync(path.join(this.root, 'sys/kernel/pid_max'), '32768\n');
  }
}
