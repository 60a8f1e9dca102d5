// Diagnostics for the people who run and develop Vigil, as opposed to
// events, which are what the user must see. Hosts pass a logger in; the
// default writes to stderr, so nothing is ever silently dropped.
export interface Logger {
  warn(message: string, cause?: unknown): void;
  error(message: string, cause?: unknown): void;
}

const describe = (cause: unknown): string =>
  cause === undefined ? '' : `: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;

/** A logger that writes one `vigil: warning: …` / `vigil: error: …` line per call. */
export function lineLogger(write: (line: string) => void): Logger {
  return {
    warn: (message, cause) => write(`vigil: warning: ${message}${describe(cause)}\n`),
    error: (message, cause) => write(`vigil: error: ${message}${describe(cause)}\n`),
  };
}

export const stderrLogger: Logger = lineLogger((line) => process.stderr.write(line));
