// Picks the window.vigil implementation: the Electron preload's when present,
// else a WebSocket bridge to the headless host that served this page.
import type { VigilApi } from '../../electron/common/api.js';
import { TOKEN_PARAM, WS_PATH } from '../../electron/common/ws-protocol.js';
import { createWsBridge, type SocketLike } from './ws-bridge.js';

declare global {
  interface Window {
    vigil?: VigilApi;
  }
}

const TOKEN_KEY = 'vigil.token';

/** ws(s)://host/ws?token=… for a page at `pageUrl`; the token may be null (cookie auth). */
export function bridgeUrl(pageUrl: string, token: string | null): string {
  const u = new URL(pageUrl);
  const ws = new URL(WS_PATH, u);
  ws.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  ws.search = '';
  if (token) ws.searchParams.set(TOKEN_PARAM, token);
  return ws.toString();
}

/** The token from the page URL (then kept for this tab so a reload still works). */
function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get(TOKEN_PARAM);
  if (fromUrl) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromUrl);
    } catch {
      // storage disabled: the server's cookie still authenticates a reload
    }
    return fromUrl;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function installVigilApi(): VigilApi {
  if (window.vigil) return window.vigil;
  const api = createWsBridge({
    url: bridgeUrl(window.location.href, takeToken()),
    // The DOM types its handlers with `this: WebSocket` and Event subtypes; at run
    // time it is exactly the SocketLike shape (send, close, on* properties).
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
  });
  window.vigil = api;
  return api;
}
