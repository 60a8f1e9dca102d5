import { type BackendCommand } from '../common/commands.js';
import type { BackendView, VigilState } from '../common/state.js';
import type { WatchedServer } from '../common/watch.js';
export type TrayLevel = 'ok' | 'busy' | 'down' | 'idle';
export declare const TRAY_LEVELS: readonly TrayLevel[];
/**
 * Worst state wins: down > busy > ok. Backends the user stopped are not
 * wanted, so they do not count; none wanted and nothing watched → idle. A
 * watched server that is a zombie or unhealthy is down like a backend.
 */
export declare function trayLevel(backends: readonly BackendView[], watched?: readonly WatchedServer[]): TrayLevel;
export declare function trayTooltip(state: VigilState): string;
export interface TrayBackendItem {
    id: string;
    label: string;
    commands: {
        command: BackendCommand;
        enabled: boolean;
    }[];
}
/**
 * A backend's line in the menu. A menu is not redrawn each second, so a
 * planned restart is a clock time, never a countdown; the states that need
 * a human say what holds them.
 */
export declare function trayLabel(b: BackendView): string;
/** Each backend's submenu: every command, enabled as the command table says; Reap only while a zombie waits. */
export declare function trayBackendItems(backends: readonly BackendView[]): TrayBackendItem[];
