// Diagnostics for the people who run and develop Vigil, as opposed to
// events, which are what the user must see. Hosts pass a logger in; the
// default writes to stderr, so nothing is ever silently dropped.
export interface Logger {
  warn(message: string, cause?: unknown): void;
  error(message: string, cause?: unknown): void;
}

const describe = (cause: unknown): string =>
  cause === undefined ? '' : `: ${cause instanceof Error ? (cause.stack ?? cause.message) : String(cause)}`;

export const stderrLogger: Logger = {
  warn: (message, cause) => process.stderr.write(`vigil: warning: ${message}${describe(cause)}\n`),
  error: (message, cause) => process.stderr.write(`vigil: error: ${message}${describe(cause)}\n`),
};
