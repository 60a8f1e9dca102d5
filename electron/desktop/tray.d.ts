import type { Menu as MenuT, MenuItemConstructorOptions, NativeImage, Tray as TrayT } from 'electron';
import type { BackendCommand } from '../common/commands.js';
import type { VigilState } from '../common/state.js';
import type { WatchActionName } from '../common/watch.js';
import { type TrayLevel } from './tray-model.js';
export interface TrayDeps {
    Tray: new (image: NativeImage) => TrayT;
    Menu: {
        buildFromTemplate(template: MenuItemConstructorOptions[]): MenuT;
    };
    nativeImage: {
        createFromPath(p: string): NativeImage;
    };
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
export declare function trayIconPath(iconsDir: string, level: TrayLevel): string;
export declare function createTrayService(deps: TrayDeps, opts: TrayOptions): TrayService;
