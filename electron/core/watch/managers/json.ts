// Reading a manager's JSON answer without trusting its shape: a field that
// is missing or of another type reads as absent, never as a crash.
export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const field = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined);
export const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

/** The port of a URL ('http://127.0.0.1:8001/v1' → 8001); null when it names none. */
export function urlPort(v: string | null): number | null {
  if (v === null) return null;
  try {
    const u = new URL(v);
    const p = Number(u.port);
    return p >= 1 && p <= 65535 ? p : null;
  } catch {
    return null;
  }
}
