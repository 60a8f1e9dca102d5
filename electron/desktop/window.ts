// The one BrowserWindow and its hardening: sandboxed preload, no Node, no
// new windows, no navigation away, no permissions, CSP on every response.
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { contentSecurityPolicy } from '../host/csp.js';

export function windowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Vigil',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  };
}

/** CSP as a response header too (the dev server's pages; file:// pages carry the meta tag). */
export function installCsp(session: Session, devServerOrigin: string | null): void {
  // Vite's dev client talks to its own origin over ws for hot reload.
  const connect = devServerOrigin ? [devServerOrigin.replace(/^http/, 'ws')] : [];
  const csp = contentSecurityPolicy(connect);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Links open nowhere and the page never navigates: it is a single page, loaded once by main. */
export function hardenWebContents(wc: WebContents): void {
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
  wc.on('will-navigate', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
}
