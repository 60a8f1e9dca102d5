// <stateDir>/running.json: backends Vigil has running, so a new Vigil (after a
// crash or a quit with keepRunningOnQuit) can adopt them instead of spawning
// duplicates. Written atomically (tmp + rename); a torn or foreign file reads
// as empty with a warning rather than crashing start-up.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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

  constructor(stateDir: string, private warn: (msg: string) => void = (msg) => stderrLogger.warn(msg)) {
    this.file = path.join(stateDir, 'running.json');
  }

  /** Read the file left by a previous Vigil. */
  load(): RunningRecord[] {
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

  get(id: string): RunningRecord | undefined {
    return this.records.get(id);
  }

  all(): RunningRecord[] {
    return [...this.records.values()];
  }

  private flush(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, backends: this.all() }, null, 2) + '\n', { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
