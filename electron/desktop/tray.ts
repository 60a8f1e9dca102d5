// The tray icon: aggregate status as the icon, counts as the tooltip, and a
// menu with every backend and its commands. Electron's constructors are
// injected so tests drive it with fakes (Signal Desktop does the same).
import path from 'node:path';
import type { Menu as MenuT, MenuItemConstructorOptions, NativeImage, Tray as TrayT } from 'electron';
import type { BackendCommand } from '../common/commands.js';
import type { VigilState } from '../common/state.js';
import type { WatchActionName } from '../common/watch.js';
import { trayBackendItems, trayLevel, trayTooltip, type TrayLevel } from './tray-model.js';
import { trayWatchedItems, type TrayWatchedItem } from './tray-watched.js';

export interface TrayDeps {
  Tray: new (image: NativeImage) => TrayT;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): MenuT };
  nativeImage: { createFromPath(p: string): NativeImage };
}

export interface TrayOptions {
  iconsDir: string;
  onOpen(backendId?: string): void;
  onCommand(command: BackendCommand, backendId: string): void;
  /** An action on a server Vigil did not start; the host asks `confirm` first. */
  onWatchedAction?(action: WatchActionName, id: string, confirm: string | null): void;
  onQuit(): void;
}

export interface TrayService {
  update(state: VigilState): void;
  /** Overrides the tooltip (quit progress); null returns to the status summary. */
  setNote(note: string | null): void;
  level(): TrayLevel;
  destroy(): void;
}

const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export function trayIconPath(iconsDir: string, level: TrayLevel): string {
  return path.join(iconsDir, `tray-${level}.png`);
}

/** The watched servers' part of the menu: a heading, then each with Show, its note and its actions. */
function watchedMenu(watched: TrayWatchedItem[], opts: TrayOptions): MenuItemConstructorOptions[] {
  if (watched.length === 0) return [];
  return [
    { label: 'Watched (not started by Vigil)', enabled: false },
    ...watched.map((w): MenuItemConstructorOptions => ({
      label: w.label,
      submenu: [
        { label: 'Show', click: () => opts.onOpen() },
        ...(w.note ? [{ label: w.note, enabled: false }] : []),
        ...(w.actions.length ? [{ type: 'separator' as const }] : []),
        ...w.actions.map((a): MenuItemConstructorOptions => ({ label: a.label, enabled: a.enabled, toolTip: a.why, click: () => opts.onWatchedAction?.(a.action, w.id, a.confirm) })),
      ],
    })),
    { type: 'separator' },
  ];
}

export function createTrayService(deps: TrayDeps, opts: TrayOptions): TrayService {
  let level: TrayLevel = 'idle';
  const tray = new deps.Tray(deps.nativeImage.createFromPath(trayIconPath(opts.iconsDir, level)));
  let tooltip = 'Vigil';
  let note: string | null = null;
  let menuKey = '';
  tray.setToolTip(tooltip);
  tray.on('click', () => opts.onOpen());

  const buildMenu = (state: VigilState): void => {
    const items = trayBackendItems(state.backends);
    const watched = trayWatchedItems(state.watched, state.uid);
    // Rebuild only when what the menu shows changed (memory samples arrive every second).
    const key = JSON.stringify([items, watched]);
    if (key === menuKey) return;
    menuKey = key;
    const template: MenuItemConstructorOptions[] = [
      ...items.map((b): MenuItemConstructorOptions => ({
        label: b.label,
        submenu: [
          { label: 'Show', click: () => opts.onOpen(b.id) },
          { type: 'separator' },
          ...b.commands.map((c): MenuItemConstructorOptions => ({ label: cap(c.command), enabled: c.enabled, click: () => opts.onCommand(c.command, b.id) })),
        ],
      })),
      ...(items.length ? [{ type: 'separator' as const }] : [{ label: 'No backends configured', enabled: false }]),
      ...watchedMenu(watched, opts),
      { label: 'Open dashboard', click: () => opts.onOpen() },
      { label: 'Quit', click: () => opts.onQuit() },
    ];
    tray.setContextMenu(deps.Menu.buildFromTemplate(template));
  };

  return {
    update(state) {
      const next = trayLevel(state.backends, state.watched, state.alerts.some((a) => a.id === 'guard'));
      if (next !== level) {
        level = next;
        tray.setImage(deps.nativeImage.createFromPath(trayIconPath(opts.iconsDir, level)));
      }
      tooltip = trayTooltip(state);
      tray.setToolTip(note ?? tooltip);
      buildMenu(state);
    },
    setNote(n) {
      note = n;
      tray.setToolTip(note ?? tooltip);
    },
    level: () => level,
    destroy: () => tray.destroy(),
  };
}
