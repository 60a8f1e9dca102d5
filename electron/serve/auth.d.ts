import type { IncomingMessage } from 'node:http';
export declare const COOKIE_NAME = "vigil_token";
export declare function newToken(): string;
/** Constant-time compare; hashing first makes the lengths equal so length leaks nothing either. */
export declare function tokenMatches(given: string | null | undefined, expected: string): boolean;
export declare function parseCookies(header: string | undefined): Map<string, string>;
export type TokenSource = 'header' | 'cookie' | 'query';
/** The first token offered that matches, with where it came from; null when none does. */
export declare function authenticate(req: IncomingMessage, url: URL, token: string): TokenSource | null;
export declare function sessionCookie(token: string): string;
/**
 * A browser always sends Origin on WebSocket upgrades and cross-site POSTs;
 * non-browser clients (curl, Prometheus) send none, and they hold the token.
 * So: absent → allowed, present → must be one of our own origins.
 */
export declare function originAllowed(req: IncomingMessage, ownOrigins: readonly string[]): boolean;
