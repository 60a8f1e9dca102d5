// Access control of the headless host: one random token, accepted from the
// Authorization header, an HttpOnly cookie (set on the first valid page
// visit so the page's assets and WebSocket load), or ?token=. Same-origin
// checks stop other web pages from driving a local Vigil through the browser.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PARAM } from '../common/ws-protocol.js';

export const COOKIE_NAME = 'vigil_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time compare; hashing first makes the lengths equal so length leaks nothing either. */
export function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const k = part.slice(0, eq).trim();
    try {
      out.set(k, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // a malformed cookie is no token
    }
  }
  return out;
}

export type TokenSource = 'header' | 'cookie' | 'query';

/** The first token offered that matches, with where it came from; null when none does. */
export function authenticate(req: IncomingMessage, url: URL, token: string): TokenSource | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') && tokenMatches(auth.slice(7).trim(), token)) return 'header';
  if (tokenMatches(parseCookies(req.headers.cookie).get(COOKIE_NAME), token)) return 'cookie';
  if (tokenMatches(url.searchParams.get(TOKEN_PARAM), token)) return 'query';
  return null;
}

export function sessionCookie(token: string): string {
  return `${COOKIE_NAME}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}

/**
 * A browser always sends Origin on WebSocket upgrades and cross-site POSTs;
 * non-browser clients (curl, Prometheus) send none, and they hold the token.
 * So: absent → allowed, present → must be one of our own origins.
 */
export function originAllowed(req: IncomingMessage, ownOrigins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  return ownOrigins.includes(origin);
}
