import { EventEmitter } from 'node:events';
type Handler = (event: unknown, payload: unknown) => Promise<unknown>;
type HeadersHandler = (d: {
    responseHeaders: Record<string, string[]>;
}, cb: (r: unknown) => void) => void;
type PermissionHandler = (wc: unknown, permission: string, cb: (ok: boolean) => void) => void;
export interface ElectronRecord {
    windows: FakeBrowserWindow[];
    trays: FakeTray[];
    /** Every Notification constructed, in order… */
    notifications: FakeNotification[];
    /** …and those shown, in the order shown. */
    shown: FakeNotification[];
    /** What the preload passed to contextBridge.exposeInMainWorld, by key. */
    exposed: Record<string, unknown>;
    exitCode: number | null;
    headersHandler: HeadersHandler | null;
    permissionHandler: PermissionHandler | null;
    /** Every dialog.showMessageBox call's options, in order. */
    messageBoxes: MessageBoxOptions[];
    /** The button index the user "clicks" in the next message boxes (default 0). */
    messageBoxResponse: number;
    /** URLs given to shell.openExternal. */
    openedExternal: string[];
}
/** The part of Electron's MessageBoxOptions a test reads. */
export interface MessageBoxOptions {
    type?: string;
    title?: string;
    message: string;
    detail?: string;
    buttons?: string[];
    defaultId?: number;
    cancelId?: number;
}
export declare class FakeWebContents extends EventEmitter {
    private readonly deliver;
    url: string;
    loading: boolean;
    /** Every message main sent to the page, delivered or not. */
    sent: [string, unknown][];
    openHandler: (() => {
        action: string;
    }) | null;
    constructor(deliver: (channel: string, payload: unknown) => void);
    setWindowOpenHandler(fn: () => {
        action: string;
    }): void;
    isLoading(): boolean;
    isDestroyed(): boolean;
    send(channel: string, payload: unknown): void;
}
export declare class FakeBrowserWindow extends EventEmitter {
    readonly opts: unknown;
    readonly webContents: FakeWebContents;
    visible: boolean;
    minimized: boolean;
    loaded: string | null;
    /** show/hide/focus/restore in call order. */
    calls: string[];
    constructor(opts: unknown, webContents: FakeWebContents);
    loadURL(url: string): Promise<void>;
    show(): void;
    hide(): void;
    focus(): void;
    isMinimized(): boolean;
    restore(): void;
    isDestroyed(): boolean;
}
export declare class FakeTray {
    images: string[];
    tooltips: string[];
    menus: unknown[];
    clickHandlers: (() => void)[];
    destroyed: boolean;
    constructor(image: {
        path: string;
    });
    setImage(image: {
        path: string;
    }): void;
    setToolTip(t: string): void;
    setContextMenu(menu: unknown): void;
    on(event: string, fn: () => void): this;
    destroy(): void;
}
export declare class FakeNotification extends EventEmitter {
    readonly opts: {
        title: string;
        body?: string;
        urgency?: string;
        silent?: boolean;
    };
    shown: boolean;
    constructor(opts: {
        title: string;
        body?: string;
        urgency?: string;
        silent?: boolean;
    });
    show(): void;
    close(): void;
    /** What a user's click does. */
    click(): void;
}
/** The module's exports, as `import … from 'electron'` sees them. */
export interface ElectronModule {
    app: EventEmitter & {
        requestSingleInstanceLock(): boolean;
        whenReady(): Promise<void>;
        getAppPath(): string;
        quit(): void;
        exit(code: number): void;
    };
    BrowserWindow: new (opts: unknown) => FakeBrowserWindow;
    Tray: new (image: {
        path: string;
    }) => FakeTray;
    Notification: new (opts: FakeNotification['opts']) => FakeNotification;
    /** `handlers` holds what ipcMain.handle registered, by channel. */
    ipcMain: EventEmitter & {
        handlers: Map<string, Handler>;
        handle(channel: string, fn: Handler): void;
        removeHandler(channel: string): void;
    };
    ipcRenderer: EventEmitter & {
        invoke(channel: string, payload: unknown): Promise<unknown>;
        send(channel: string, ...args: unknown[]): void;
    };
    contextBridge: {
        exposeInMainWorld(key: string, api: unknown): void;
    };
    Menu: {
        buildFromTemplate<T>(template: T): T;
    };
    nativeImage: {
        createFromPath(p: string): {
            path: string;
        };
    };
    shell: {
        openPath(p: string): Promise<string>;
        openExternal(url: string): Promise<void>;
    };
    dialog: {
        showMessageBox(opts: MessageBoxOptions): Promise<{
            response: number;
            checkboxChecked: boolean;
        }>;
    };
    session: {
        defaultSession: {
            webRequest: {
                onHeadersReceived(fn: HeadersHandler): void;
            };
            setPermissionRequestHandler(fn: PermissionHandler): void;
            setPermissionCheckHandler(fn: unknown): void;
        };
    };
}
export interface ElectronMock {
    rec: ElectronRecord;
    module: ElectronModule;
}
export declare function createElectronMock(): ElectronMock;
/** The instance vi.mock('electron') hands out in a test file (vitest isolates each file's modules). */
export declare const electron: ElectronMock;
export {};
