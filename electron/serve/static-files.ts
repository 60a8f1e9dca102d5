// Serves the built renderer: known MIME types, index.html for '/', and no
// path may leave the renderer directory (decoded, normalised, then checked).
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Resolves a URL pathname inside `root`; null when it would escape it or is
 * malformed. '/' maps to index.html.
 */
export function resolveStatic(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const absRoot = path.resolve(root);
  const full = path.resolve(absRoot, rel);
  if (full !== absRoot && !full.startsWith(absRoot + path.sep)) return null;
  return full;
}

/** Sends the file; returns false (nothing sent) when it is missing or not a file. */
export async function sendStatic(res: ServerResponse, file: string, headers: Record<string, string>): Promise<boolean> {
  try {
    const st = await stat(file);
    if (!st.isFile()) return false;
    res.writeHead(200, {
      ...headers,
      'Content-Type': mimeType(file),
      'Content-Length': String(st.size),
      // Hashed asset names change with content; the page itself must not be cached with a token in its URL.
      'Cache-Control': file.endsWith('.html') ? 'no-store' : 'private, max-age=3600',
    });
    createReadStream(file).pipe(res);
    return true;
  } catch {
    return false;
  }
}
