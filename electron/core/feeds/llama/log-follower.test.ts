// The follower against a real tailer (BackendLog) and real files: one
// process's output from its start offset, whatever the tailer had read
// already, an adopted process found after Vigil's last start note, rotation,
// and multi-byte characters split across reads.
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir, waitFor } from '../../../../test-support/helpers.js';
import { BackendLog } from '../../logs/backend-log.js';
import { ProcessLogFollower } from './log-follower.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).reverse().forEach((c) => c()));

function setup(opts: ConstructorParameters<typeof BackendLog>[1] = {}): { file: string; log: BackendLog } {
  const t = tempDir('vigil-follow-');
  cleanups.push(t.cleanup);
  const file = path.join(t.dir, 'logs', 'llm.log');
  const log = new BackendLog(file, { pollMs: 50, ...opts });
  log.start();
  cleanups.push(() => log.stop());
  return { file, log };
}

function follow(log: BackendLog, from: number | null): { text: () => string; f: ProcessLogFollower } {
  let got = '';
  const f = new ProcessLogFollower(log, from, (t) => (got += t));
  f.start();
  cleanups.push(() => f.stop());
  return { text: () => got, f };
}

describe('ProcessLogFollower', () => {
  it("passes on one process's output from its start offset, the note the tailer already read included", async () => {
    const { file, log } = setup();
    appendFileSync(file, 'previous process: exiting due to model loading error\n');
    await waitFor(() => log.position.offset > 0, 30_000, 'tailer caught up');
    const from = statSync(file).size;
    log.appendVigilLine('starting: llama-server -m x.gguf'); // the tailer reads it at once
    const { text } = follow(log, from);
    appendFileSync(file, 'load_model: loading model\npartial');
    await waitFor(() => text().includes('partial'), 30_000, 'appended output');
    expect(text()).toMatch(/^\[vigil\] \S+ starting: llama-server -m x\.gguf\nload_model: loading model\npartial$/);
    expect(text()).not.toContain('previous process');
  });

  it('slices a read that began before the start offset (a tailer lagging behind the spawn)', async () => {
    const { file, log } = setup({ pollMs: 60_000 });
    log.stop(); // no fs.watch: the tailer reads only when asked
    appendFileSync(file, 'old line\n');
    const from = statSync(file).size;
    appendFileSync(file, 'new line\n');
    expect(log.position.offset).toBe(0);
    const { text, f } = follow(log, from);
    f.catchUp();
    expect(text()).toBe('new line\n');
  });

  it('an adopted process (start unknown) is read after the last start note, and only new output when there is none', async () => {
    const { file, log } = setup();
    appendFileSync(file, '[vigil] 2026-01-01T00:00:00.000Z starting: llama-server A\nA output\n[vigil] 2026-01-01T00:01:00.000Z starting: llama-server B\nB output\n');
    await waitFor(() => log.position.offset === statSync(file).size, 30_000, 'tailer caught up');
    const { text } = follow(log, null);
    expect(text()).toBe('B output\n');

    const other = setup();
    appendFileSync(other.file, 'no notes here\n');
    await waitFor(() => other.log.position.offset === statSync(other.file).size, 30_000, 'tailer caught up');
    const o = follow(other.log, null);
    appendFileSync(other.file, 'after adoption\n');
    await waitFor(() => o.text() !== '', 30_000, 'new output');
    expect(o.text()).toBe('after adoption\n');
  });

  it('after a rotation everything in the new file is the process\'s; a character split across reads arrives whole', async () => {
    const { file, log } = setup({ maxBytes: 200 });
    const { text, f } = follow(log, statSync(file).size);
    appendFileSync(file, `${'x'.repeat(150)}\n`);
    f.catchUp();
    appendFileSync(file, `${'y'.repeat(150)}\n`); // over 200 bytes: the tailer rotates after reading
    f.catchUp();
    expect(log.rotations).toBe(1);
    const euro = Buffer.from('€');
    appendFileSync(file, Buffer.concat([Buffer.from('after rotation '), euro.subarray(0, 1)]));
    f.catchUp();
    appendFileSync(file, Buffer.concat([euro.subarray(1), Buffer.from('\n')]));
    f.catchUp();
    expect(text()).toBe(`${'x'.repeat(150)}\n${'y'.repeat(150)}\nafter rotation €\n`);
  });

  it('a start offset beyond the file (rotated between the spawn and the follower) reads the new file from its start', () => {
    const { file, log } = setup({ pollMs: 60_000 });
    log.stop();
    writeFileSync(file, 'written since the rotation\n');
    const { text, f } = follow(log, 10_000);
    f.catchUp();
    expect(text()).toBe('written since the rotation\n');
  });
});
