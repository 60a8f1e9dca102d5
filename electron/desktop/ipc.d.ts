import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { type VigilService } from '../common/api.js';
export interface IpcOptions {
    service: VigilService;
    /** Our window's webContents (null while there is none). */
    getWebContents(): WebContents | null;
    /** The renderer's own URL prefix: the file:// index.html or the dev server origin. */
    allowedUrl: string;
    log?: (msg: string) => void;
}
export interface IpcHost {
    /** Tell the renderer to show one backend (notification click). */
    focus(backendId: string): void;
    dispose(): void;
}
export declare function isTrustedSender(event: IpcMainEvent | IpcMainInvokeEvent, ours: WebContents | null, allowedUrl: string): boolean;
export declare function registerIpc(ipcMain: IpcMain, opts: IpcOptions): IpcHost;
