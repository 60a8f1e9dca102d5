// The Content-Security-Policy both hosts send with the renderer. The renderer
// has no inline script or style (see renderer/index.html), so neither is
// allowed; uPlot's element.style writes are CSSOM and need no 'unsafe-inline'.

/** `connect` lists extra connect-src sources (the WebSocket origin for the headless host). */
export function contentSecurityPolicy(connect: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${connect.map((c) => ` ${c}`).join('')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
