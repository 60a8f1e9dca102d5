// The tailers of the backends' log files, one per backend, opened on first
// use: the supervisor needs the path and a place for Vigil's own notes, the
// service needs the tail and live lines.
import { backendLogPath } from '../paths.js';
import { BackendLog } from './backend-log.js';

// fs.watch delivers appends at once; the poll is only its backstop, slow
// because 50 backends polled every 500 ms would be 100 stat calls a second.
const POLL_MS = 5000;

export class BackendLogs {
  private readonly logs = new Map<string, BackendLog>();

  constructor(private readonly stateDir: string) {}

  get(id: string): BackendLog {
    let l = this.logs.get(id);
    if (!l) {
      l = new BackendLog(backendLogPath(this.stateDir, id), { pollMs: POLL_MS });
      l.start();
      this.logs.set(id, l);
    }
    return l;
  }

  close(id: string): void {
    this.logs.get(id)?.stop();
    this.logs.delete(id);
  }

  closeAll(): void {
    for (const id of [...this.logs.keys()]) this.close(id);
  }
}
