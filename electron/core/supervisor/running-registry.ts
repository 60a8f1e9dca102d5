// <stateDir>/running.json: backends Vigil has running, so a new Vigil (after a
// crash or a quit with keepRunningOnQuit) can adopt them instead of spawning
// duplicates. Written atomically (tmp + rename); a torn or foreign file reads
// as empty with a warning rather than crashing start-up.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { stderrLogger } from '../diagnostics.js';

export const RunningRecord = z.object({
  id: z.string(),
  pid: z.number().int().positive(),
  startTime: z.number().int().nonnegative(),
  pgid: z.number().int(),
  port: z.number().int().nullable(),
  logPath: z.string().nullable(),
  command: z.array(z.string()),
  startedAt: z.number().optional(),
});
export type RunningRecord = z.infer<typeof RunningRecord>;
const FileShape = z.object({ version: z.literal(1), backends: z.array(RunningRecord) });

export class RunningRegistry {
  readonly file: string;
  private records = new Map<string, RunningRecord>();
  /** Why the last write failed, so a lasting cause is said once. */
  private failed: string | null = null;

  constructor(stateDir: string, private warn: (msg: string) => void = (msg) => stderrLogger.warn(msg)) {
    this.file = path.join(stateDir, 'running.json');
  }

  /** Read the file left by a previous Vigil. */
  load(): RunningRecord[] {
    this.removeStaleTemps();
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    try {
      const parsed = FileShape.safeParse(JSON.parse(text));
      if (!parsed.success) {
        this.warn(`${this.file}: ignored, not a running-backends record (${parsed.error.issues[0]?.message ?? 'bad shape'})`);
        return [];
      }
      for (const r of parsed.data.backends) this.records.set(r.id, r);
      return parsed.data.backends;
    } catch (e) {
      this.warn(`${this.file}: ignored, invalid JSON (${(e as Error).message})`);
      return [];
    }
  }

  set(rec: RunningRecord): void {
    this.records.set(rec.id, rec);
    this.flush();
  }

  delete(id: string): void {
    if (this.records.delete(id)) this.flush();
  }

  /** Temporary files a killed Vigil left between write and rename. */
  private removeStaleTemps(): void {
    const dir = path.dirname(this.file);
    const prefix = `${path.basename(this.file)}.`;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) if (n.startsWith(prefix) && n.endsWith('.tmp')) rmSync(path.join(dir, n), { force: true });
  }

  get(id: string): RunningRecord | undefined {
    return this.records.get(id);
  }

  all(): RunningRecord[] {
    return [...this.records.values()];
  }

  /**
   * Rewrite the file. It is called on the exit and spawn paths, so it never
   * throws: a full or read-only state directory is said once per cause, the
   * records stay in memory, and the next change writes them all again.
   */
  private flush(): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, JSON.stringify({ version: 1, backends: this.all() }, null, 2) + '\n');
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
      this.failed = null;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      rmSync(tmp, { force: true });
      if (this.failed !== code) this.warn(`${this.file} cannot be written (${code}): a restarted Vigil may not find running backends to adopt; it is written again at the next change`);
      this.failed = code;
    }
  }
}
