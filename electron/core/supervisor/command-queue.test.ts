// Serialisation, duplicate refusal and fault handling of a backend's command queue.
import { describe, expect, it } from 'vitest';
import type { Logger } from '../diagnostics.js';
import { CommandQueue, INTERNAL_ERROR } from './command-queue.js';

function make(): { q: CommandQueue; logged: [string, unknown][] } {
  const logged: [string, unknown][] = [];
  const log: Logger = { warn: (m, c) => logged.push([m, c]), error: (m, c) => logged.push([m, c]) };
  return { q: new CommandQueue('llama', log), logged };
}
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('CommandQueue', () => {
  it('runs commands one after another, each after the previous settles (even when it failed)', async () => {
    const { q } = make();
    const order: string[] = [];
    const a = q.command('stop', async () => {
      order.push('stop begins');
      await tick();
      order.push('stop ends');
      throw new Error('boom');
    });
    const b = q.command('start', async () => {
      order.push('start');
      return { ok: true, message: 'started' };
    });
    await Promise.all([a, b]);
    expect(order).toEqual(['stop begins', 'stop ends', 'start']);
  });

  it('refuses the same command while one is queued or running, with the wording people expect', async () => {
    const { q } = make();
    const slow = (): Promise<{ ok: boolean; message: string }> => tick().then(() => ({ ok: true, message: 'done' }));
    for (const [name, doing] of [['start', 'starting'], ['stop', 'stopping'], ['restart', 'restarting'], ['reap', 'reaping']] as const) {
      const first = q.command(name, slow);
      expect(await q.command(name, slow)).toEqual({ ok: false, message: `already ${doing}` });
      expect(await first).toEqual({ ok: true, message: 'done' });
      expect(await q.command(name, slow)).toEqual({ ok: true, message: 'done' });
    }
  });

  it('a fault (a TypeError, say) is logged and answered with a generic message, not shown as the user\'s error', async () => {
    const { q, logged } = make();
    const r = await q.command('start', async () => {
      const cfg = undefined as unknown as { cmd: string[] };
      return { ok: true, message: cfg.cmd[0]! };
    });
    expect(r).toEqual({ ok: false, message: INTERNAL_ERROR });
    expect(logged).toHaveLength(1);
    expect(logged[0]![0]).toBe('llama: start failed');
    expect(logged[0]![1]).toBeInstanceOf(TypeError);
  });

  it('a queued task that nobody awaits logs its fault instead of leaving an unhandled rejection', async () => {
    const { q, logged } = make();
    q.task('restart', async () => {
      throw new RangeError('bad');
    });
    await q.run(async () => {});
    expect(logged.map((l) => l[0])).toEqual(['llama: restart failed']);
  });
});
