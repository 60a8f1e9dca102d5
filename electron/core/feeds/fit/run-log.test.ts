import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { currentRunLog } from './run-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-runlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the current run of a backend log', () => {
  it("is what follows Vigil's last start note: an earlier run's figures are not read", () => {
    const f = path.join(dir, 'llm.log');
    writeFileSync(
      f,
      [
        '[vigil] 2026-05-01T10:00:00.000Z starting: llama-server -m a.gguf -lv 4',
        'load_tensors:   CPU_Mapped model buffer size =   114.53 MiB',
        '[vigil] 2026-05-01T10:05:00.000Z stopped by user',
        '[vigil] 2026-05-01T10:06:00.000Z starting: llama-server -m a.gguf',
        'main: model loaded',
        '',
      ].join('\n'),
    );
    expect(currentRunLog(f)).toBe('main: model loaded\n');
  });

  it('is empty without a start note, for a missing file, and past the bytes it may read', () => {
    const f = path.join(dir, 'none.log');
    writeFileSync(f, 'just output\n');
    expect(currentRunLog(f)).toBe('');
    expect(currentRunLog(path.join(dir, 'missing.log'))).toBe('');
    const g = path.join(dir, 'long.log');
    writeFileSync(g, `[vigil] 2026-05-01T10:00:00.000Z starting: x\n${'y'.repeat(100)}\n`);
    expect(currentRunLog(g, 50)).toBe('');
  });
});
