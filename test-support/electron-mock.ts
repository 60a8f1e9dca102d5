// A stand-in for the `electron` module. It exists because the Electron binary
// cannot be downloaded on this machine (no network; the electron npm package
// fetches its binary on first require), so the Electron glue (electron/main.ts,
// preload.ts, electron/desktop/) is tested against this one mock, as Electron
// Fiddle keeps one tests/mocks/electron.ts. `tsc` still checks the glue
// against the real electron.d.ts.
//
// It fakes only what Vigil calls, records what a test needs to see, and joins
// ipcMain and ipcRenderer as Electron does: a handler's error reaches the page
// only as "Error invoking remote method '<channel>': <error>", and a message
// sent to a page that is still loading is lost.
//
// With vi.mock (the module under test imports 'electron'):
//   vi.mock('electron', () => import('../test-support/electron-mock.js').then((m) => m.electron.module));
//   import { electron } from '../test-support/electron-mock.js';   // the same instance: electron.rec
// With injected constructors (desktop/tray.ts, notifications.ts): createElectronMock().module.Tray …
// With injected services (desktop/instance-locked.ts): createElectronMock().module.dialog, .shell
import { EventEmitter } from 'node:events';

type Handler = (event: unknown, payload: unknown) => Promise<unknown>;
type HeadersHandler = (d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void;
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

export class FakeWebContents extends EventEmitter {
  url = '';
  loading = false;
  /** Every message main sent to the page, delivered or not. */
  sent: [string, unknown][] = [];
  openHandler: (() => { action: string }) | null = null;
  constructor(private readonly deliver: (channel: string, payload: unknown) => void) {
    super();
  }
  setWindowOpenHandler(fn: () => { action: string }): void {
    this.openHandler = fn;
  }
  isLoading(): boolean {
    return this.loading;
  }
  isDestroyed(): boolean {
    return false;
  }
  send(channel: string, payload: unknown): void {
    this.sent.push([channel, payload]);
    // A message sent while a page loads reaches the old document, not the new page's listeners.
    if (!this.loading) this.deliver(channel, payload);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  visible = false;
  minimized = false;
  loaded: string | null = null;
  /** show/hide/focus/restore in call order. */
  calls: string[] = [];
  constructor(
    readonly opts: unknown,
    readonly webContents: FakeWebContents,
  ) {
    super();
  }
  loadURL(url: string): Promise<void> {
    this.loaded = url;
    this.webContents.url = url;
    this.webContents.loading = true;
    this.emit('ready-to-show');
    return Promise.resolve();
  }
  show(): void {
    this.visible = true;
    this.calls.push('show');
  }
  hide(): void {
    this.visible = false;
    this.calls.push('hide');
  }
  focus(): void {
    this.calls.push('focus');
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
    this.calls.push('restore');
  }
  isDestroyed(): boolean {
    return false;
  }
}

export class FakeTray {
  images: string[] = [];
  tooltips: string[] = [];
  menus: unknown[] = [];
  clickHandlers: (() => void)[] = [];
  destroyed = false;
  constructor(image: { path: string }) {
    this.images.push(image.path);
  }
  setImage(image: { path: string }): void {
    this.images.push(image.path);
  }
  setToolTip(t: string): void {
    this.tooltips.push(t);
  }
  setContextMenu(menu: unknown): void {
    this.menus.push(menu);
  }
  on(event: string, fn: () => void): this {
    if (event === 'click') this.clickHandlers.push(fn);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  shown = false;
  constructor(readonly opts: { title: string; body?: string; urgency?: string; silent?: boolean }) {
    super();
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.emit('close');
  }
  /** What a user's click does. */
  click(): void {
    this.emit('click');
  }
}

/** The module's exports, as `import … from 'electron'` sees them. */
export interface ElectronModule {
  app: EventEmitter & { requestSingleInstanceLock(): boolean; whenReady(): Promise<void>; getAppPath(): string; quit(): void; exit(code: number): void };
  BrowserWindow: new (opts: unknown) => FakeBrowserWindow;
  Tray: new (image: { path: string }) => FakeTray;
  Notification: new (opts: FakeNotification['opts']) => FakeNotification;
  /** `handlers` holds what ipcMain.handle registered, by channel. */
  ipcMain: EventEmitter & { handlers: Map<string, Handler>; handle(channel: string, fn: Handler): void; removeHandler(channel: string): void };
  ipcRenderer: EventEmitter & { invoke(channel: string, payload: unknown): Promise<unknown>; send(channel: string, ...args: unknown[]): void };
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  Menu: { buildFromTemplate<T>(template: T): T };
  nativeImage: { createFromPath(p: string): { path: string } };
  shell: { openPath(p: string): Promise<string>; openExternal(url: string): Promise<void> };
  dialog: { showMessageBox(opts: MessageBoxOptions): Promise<{ response: number; checkboxChecked: boolean }> };
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived(fn: HeadersHandler): void };
      setPermissionRequestHandler(fn: PermissionHandler): void;
      setPermissionCheckHandler(fn: unknown): void;
    };
  };
}

export interface ElectronMock {
  rec: ElectronRecord;
  module: ElectronModule;
}

function buildModule(rec: ElectronRecord): ElectronModule {
  const handlers = new Map<string, Handler>();
  const ipcMain = Object.assign(new EventEmitter(), {
    handlers,
    handle: (channel: string, fn: Handler) => void handlers.set(channel, fn),
    removeHandler: (channel: string) => void handlers.delete(channel),
  });
  // The page side. Vigil has one window, so the newest window's page is the sender of every call.
  const page = (): FakeWebContents | null => rec.windows.at(-1)?.webContents ?? null;
  const fromPage = () => ({ sender: page(), senderFrame: { url: page()?.url ?? '', parent: null } });
  const ipcRenderer = Object.assign(new EventEmitter(), {
    async invoke(channel: string, payload: unknown): Promise<unknown> {
      const fn = handlers.get(channel);
      if (!fn) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
      try {
        return await fn(fromPage(), payload);
      } catch (e) {
        throw new Error(`Error invoking remote method '${channel}': ${String(e)}`, { cause: e });
      }
    },
    send: (channel: string, ...args: unknown[]) => void ipcMain.emit(channel, fromPage(), ...args),
  });
  const deliver = (channel: string, payload: unknown): void => void ipcRenderer.emit(channel, {}, payload);

  class BrowserWindow extends FakeBrowserWindow {
    constructor(opts: unknown) {
      super(opts, new FakeWebContents(deliver));
      rec.windows.push(this);
    }
  }
  class Tray extends FakeTray {
    constructor(image: { path: string }) {
      super(image);
      rec.trays.push(this);
    }
  }
  class Notification extends FakeNotification {
    constructor(opts: FakeNotification['opts']) {
      super(opts);
      rec.notifications.push(this);
    }
    override show(): void {
      super.show();
      rec.shown.push(this);
    }
  }
  const app = Object.assign(new EventEmitter(), {
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/opt/vigil',
    quit: () => {},
    exit: (code: number) => void (rec.exitCode = code),
  });
  return {
    app,
    BrowserWindow,
    Tray,
    Notification,
    ipcMain,
    ipcRenderer,
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (rec.exposed[key] = api) },
    Menu: { buildFromTemplate: <T>(template: T): T => template },
    nativeImage: { createFromPath: (p: string) => ({ path: p }) },
    shell: {
      openPath: async (_p: string) => '',
      openExternal: async (url: string) => void rec.openedExternal.push(url),
    },
    // Resolves with the scripted click, as the real box resolves when the user clicks (Escape gives cancelId).
    dialog: {
      showMessageBox: async (opts: MessageBoxOptions) => {
        rec.messageBoxes.push(opts);
        return { response: rec.messageBoxResponse, checkboxChecked: false };
      },
    },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: HeadersHandler) => void (rec.headersHandler = fn) },
        setPermissionRequestHandler: (fn: PermissionHandler) => void (rec.permissionHandler = fn),
        setPermissionCheckHandler: () => {},
      },
    },
  };
}

export function createElectronMock(): ElectronMock {
  const rec: ElectronRecord = {
    windows: [], trays: [], notifications: [], shown: [], exposed: {}, exitCode: null, headersHandler: null, permissionHandler: null,
    messageBoxes: [], messageBoxResponse: 0, openedExternal: [],
  };
  return { rec, module: buildModule(rec) };
}

/** The instance vi.mock('electron') hands out in a test file (vitest isolates each file's modules). */
export const electron = createElectronMock();
