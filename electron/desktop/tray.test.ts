// The tray with the Electron mock's constructors: icon per aggregate state,
// tooltip counts, menu contents and rebuild on change, clicks → callbacks.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { BackendView } from '../common/state.js';
import { createElectronMock, type FakeTray } from '../../test-support/electron-mock.js';
import { backend, baseState } from '../../test-support/fake-service.js';
import { createTrayService, type TrayDeps } from './tray.js';
import { formatClock } from '../common/format.js';
import { trayLabel, trayLevel } from './tray-model.js';

function fakes() {
  const { module, rec: electron } = createElectronMock();
  const deps = { Tray: module.Tray, Menu: module.Menu, nativeImage: module.nativeImage } as unknown as TrayDeps;
  /** The one tray icon createTrayService made. */
  const icon = () => electron.trays[0]! as Omit<FakeTray, 'menus'> & { menus: MenuItemConstructorOptions[][] };
  return { deps, icon };
}

const oomed = (id: string, status: BackendView['status']): BackendView =>
  backend(id, { status, lastExit: { time: 1, pid: 9, code: null, signal: 9, signalName: 'SIGKILL', coreDumped: false, reaped: true, oomKilled: true, oom: null, reason: 'oom-killed' } });

describe('tray level', () => {
  it('aggregates: idle / ok / busy / down, worst wins, stopped backends do not count', () => {
    expect(trayLevel([])).toBe('idle');
    expect(trayLevel([backend('a', { status: 'stopped' })])).toBe('idle');
    expect(trayLevel([backend('a'), backend('b', { status: 'stopped' })])).toBe('ok');
    for (const s of ['starting', 'loading', 'backoff', 'stopping'] as const) expect(trayLevel([backend('a'), backend('b', { status: s })]), s).toBe('busy');
    for (const s of ['exited', 'failed', 'unhealthy'] as const) expect(trayLevel([backend('a', { status: 'loading' }), backend('b', { status: s })]), s).toBe('down');
    // OOM-killed and waiting to restart is down, not merely busy; once ready again it is ok.
    expect(trayLevel([oomed('a', 'backoff')])).toBe('down');
    expect(trayLevel([oomed('a', 'ready')])).toBe('ok');
    // The pressure guard recommends stopping a watched server: red, even with nothing of Vigil's wanted.
    expect(trayLevel([backend('a', { status: 'stopped' })], [], true)).toBe('down');
  });
});

describe('tray labels', () => {
  it('say what each state means: a restart as a clock time (a menu does not tick), what holds a failed or unhealthy backend', () => {
    const at = new Date(2026, 11, 2, 0, 3, 36).getTime();
    expect(trayLabel(oomed('llm', 'backoff'))).toBe('llm: backoff (OOM-killed)'); // no planned time known
    expect(trayLabel({ ...oomed('llm', 'backoff'), nextRestartAt: at })).toBe(`llm: restarting at ${formatClock(at)} (OOM-killed)`);
    const killed = backend('a', { status: 'backoff', nextRestartAt: at, lastExit: { ...oomed('x', 'backoff').lastExit!, oomKilled: false } });
    expect(trayLabel(killed)).toBe(`a: restarting at ${formatClock(at)} (killed by SIGKILL)`);
    expect(trayLabel(backend('f', { status: 'failed' }))).toBe('f: failed, held until started');
    expect(trayLabel(backend('h', { status: 'unhealthy', procState: 'stopped' }))).toBe('h: unhealthy (process stopped)');
    expect(trayLabel(backend('h', { status: 'unhealthy', procState: 'sleeping' }))).toBe('h: unhealthy (checks failing)');
    expect(trayLabel(oomed('llm', 'ready'))).toBe('llm: ready');
    expect(trayLabel(oomed('llm', 'stopped'))).toBe('llm: stopped');
  });
});

describe('createTrayService', () => {
  it('sets the icon, tooltip and menu for each state and rebuilds the menu only when it changes', () => {
    const { deps, icon } = fakes();
    const calls: string[] = [];
    const tray = createTrayService(deps, {
      iconsDir: '/icons', onOpen: (id) => calls.push(`open:${id ?? ''}`), onCommand: (c, id) => calls.push(`${c}:${id}`), onQuit: () => calls.push('quit'),
    });
    const rec = icon();
    expect(rec.images).toEqual(['/icons/tray-idle.png']);

    tray.update(baseState([]));
    expect(rec.tooltips.at(-1)).toBe('Vigil — no backends configured');
    expect(rec.menus.at(-1)?.map((i) => i.label)).toEqual(['No backends configured', 'Open dashboard', 'Quit']);

    tray.update(baseState([backend('llama'), backend('whisper', { status: 'loading' })]));
    expect(tray.level()).toBe('busy');
    expect(rec.images.at(-1)).toBe('/icons/tray-busy.png');
    expect(rec.tooltips.at(-1)).toBe('Vigil — 1 ready, 1 loading');
    const menu = rec.menus.at(-1)!;
    expect(menu.map((i) => i.label ?? i.type)).toEqual(['llama: ready', 'whisper: loading', 'separator', 'Open dashboard', 'Quit']);
    const llama = menu[0]!.submenu as MenuItemConstructorOptions[];
    expect(llama.map((i) => [i.label ?? i.type, i.enabled])).toEqual([['Show', undefined], ['separator', undefined], ['Start', false], ['Stop', true], ['Restart', true]]);
    llama.find((i) => i.label === 'Restart')!.click!({} as never, undefined, {} as never);
    llama.find((i) => i.label === 'Show')!.click!({} as never, undefined, {} as never);
    menu.find((i) => i.label === 'Quit')!.click!({} as never, undefined, {} as never);
    rec.clickHandlers[0]!();
    expect(calls).toEqual(['restart:llama', 'open:llama', 'quit', 'open:']);

    // A memory-only change: same menu, no rebuild.
    const menusBefore = rec.menus.length;
    tray.update(baseState([backend('llama', { memory: null }), backend('whisper', { status: 'loading' })]));
    expect(rec.menus.length).toBe(menusBefore);

    tray.update(baseState([backend('llama'), backend('whisper', { status: 'failed', awaitingReap: true, pid: null })]));
    expect(rec.images.at(-1)).toBe('/icons/tray-down.png');
    const whisper = rec.menus.at(-1)![1]!;
    expect(whisper.label).toBe('whisper: failed, held until started');
    expect((whisper.submenu as MenuItemConstructorOptions[]).map((i) => [i.label, i.enabled]).slice(2)).toEqual([['Start', true], ['Stop', true], ['Restart', true], ['Reap', true]]);

    tray.update(baseState([backend('llama'), backend('whisper')]));
    expect(rec.images.at(-1)).toBe('/icons/tray-ok.png');

    tray.setNote('Vigil — quitting: stopping llama');
    expect(rec.tooltips.at(-1)).toBe('Vigil — quitting: stopping llama');
    tray.destroy();
    expect(rec.destroyed).toBe(true);
  });
});
