// Watched servers in the tray: a zombie or an unhealthy one turns the icon
// red, the tooltip counts them, and each has the dashboard's honest actions
// (with their confirmation question) and, for a zombie, who can reap it.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import type { WatchedServer } from '../common/watch.js';
import { createElectronMock, type FakeTray } from '../../test-support/electron-mock.js';
import { backend, baseState } from '../../test-support/fake-service.js';
import { watchedView } from '../../test-support/watch/views.js';
import { createTrayService, type TrayDeps } from './tray.js';
import { trayLevel, trayTooltip } from './tray-model.js';
import { trayWatchedItems } from './tray-watched.js';

const zombie = (over: Partial<WatchedServer> = {}): WatchedServer =>
  watchedView({ pid: 41233, status: 'zombie', exitedAt: 1, exitSeenLive: true, zombieSince: 1, zombieParent: { pid: 40990, comm: 'lemond', watchedId: null }, lastOom: { id: 'k' } as WatchedServer['lastOom'], ...over });
const ollama = watchedView({ pid: 900, kind: 'ollama', label: 'Ollama', comm: 'ollama', uid: 998, unit: { name: 'ollama.service', scope: 'system', uid: null, sole: true } });

describe('watched servers in the tray model', () => {
  it('a zombie or unhealthy watched server is down; a running one counts as ok; gone ones not at all', () => {
    expect(trayLevel([], [watchedView()])).toBe('ok');
    expect(trayLevel([], [watchedView({ status: 'gone' })])).toBe('idle');
    expect(trayLevel([backend('a')], [zombie()])).toBe('down');
    expect(trayLevel([backend('a', { status: 'loading' })], [watchedView({ status: 'unhealthy' })])).toBe('down');
    expect(trayLevel([backend('a', { status: 'loading' })], [watchedView()])).toBe('busy');
  });

  it('the tooltip counts them after the backends', () => {
    expect(trayTooltip({ ...baseState([backend('a')]), watched: [watchedView(), zombie({ pid: 5 }), watchedView({ pid: 6, status: 'gone' })] })).toBe('Vigil — 1 ready; watched: 1 running, 1 zombie');
    expect(trayTooltip({ ...baseState([]), watched: [zombie()] })).toBe('Vigil — no backends configured; watched: 1 zombie');
    expect(trayTooltip(baseState([]))).toBe('Vigil — no backends configured');
  });

  it("each one's actions are the dashboard's: allowed or not by the same rule, with the question to ask", () => {
    const items = trayWatchedItems([watchedView(), zombie({ pid: 5 }), ollama, watchedView({ pid: 6, status: 'gone' })], 1000);
    expect(items.map((i) => i.label)).toEqual(['llama-server 41233: running', 'llama-server 5: zombie (OOM-killed)', 'Ollama 900: running']);
    // Its parent lemond lives and is no shell: adopting would take its worker away.
    expect(items[0]!.actions.map((a) => [a.label, a.enabled])).toEqual([['Stop', true], ['Adopt', false]]);
    expect(items[0]!.actions[1]!.why).toMatch(/^its parent lemond 40990 is alive and is not a shell or init/);
    const fromShell = trayWatchedItems([watchedView({ manager: { pid: 4100, comm: 'bash', watchedId: null } })], 1000);
    expect(fromShell[0]!.actions.map((a) => [a.label, a.enabled])).toEqual([['Stop', true], ['Adopt', true]]);
    expect(items[0]!.actions[0]!.confirm).toBe('Stop llama-server 41233? Vigil did not start it. Its manager lemond 40990 may start it again.');
    expect(items[1]).toMatchObject({ actions: [], note: 'Vigil cannot reap it: only its parent lemond 40990 can, or init once that parent ends.' });
    expect(items[2]!.actions.map((a) => [a.label, a.enabled])).toEqual([['Stop', false], ['Restart unit', true], ['Adopt', false]]);
  });
});

describe('the tray menu with watched servers', () => {
  it('lists them under their own heading; a click hands the action and its question to the host', () => {
    const { module, rec } = createElectronMock();
    const deps = { Tray: module.Tray, Menu: module.Menu, nativeImage: module.nativeImage } as unknown as TrayDeps;
    const calls: unknown[] = [];
    const tray = createTrayService(deps, { iconsDir: '/icons', onOpen: () => {}, onCommand: () => {}, onWatchedAction: (...a) => calls.push(a), onQuit: () => {} });
    tray.update({ ...baseState([backend('llama')]), uid: 1000, watched: [zombie({ pid: 5 }), watchedView()] });
    const icon = rec.trays[0]! as Omit<FakeTray, 'menus'> & { menus: MenuItemConstructorOptions[][] };
    expect(icon.images.at(-1)).toBe('/icons/tray-down.png');
    const menu = icon.menus.at(-1)!;
    expect(menu.map((i) => i.label ?? i.type)).toEqual(['llama: ready', 'separator', 'Watched (not started by Vigil)', 'llama-server 5: zombie (OOM-killed)', 'llama-server 41233: running', 'separator', 'Open dashboard', 'Quit']);
    const z = menu[3]!.submenu as MenuItemConstructorOptions[];
    expect(z.map((i) => [i.label, i.enabled])).toEqual([['Show', undefined], ['Vigil cannot reap it: only its parent lemond 40990 can, or init once that parent ends.', false]]);
    const running = menu[4]!.submenu as MenuItemConstructorOptions[];
    running.find((i) => i.label === 'Stop')!.click!({} as never, undefined, {} as never);
    expect(calls).toEqual([['stop', 'w-41233-1000', 'Stop llama-server 41233? Vigil did not start it. Its manager lemond 40990 may start it again.']]);
  });
});
