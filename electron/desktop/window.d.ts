import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
export declare function windowOptions(preloadPath: string, iconPath?: string): BrowserWindowConstructorOptions;
/** CSP as a response header too (the dev server's pages; file:// pages carry the meta tag). */
export declare function installCsp(session: Session, devServerOrigin: string | null): void;
/** Links open nowhere and the page never navigates: it is a single page, loaded once by main. */
export declare function hardenWebContents(wc: WebContents): void;
