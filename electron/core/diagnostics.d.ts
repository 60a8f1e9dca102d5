export interface Logger {
    warn(message: string, cause?: unknown): void;
    error(message: string, cause?: unknown): void;
}
/** A logger that writes one `vigil: warning: …` / `vigil: error: …` line per call. */
export declare function lineLogger(write: (line: string) => void): Logger;
export declare const stderrLogger: Logger;
