import type { LogLine } from '../../common/api.js';
import { type Logger } from '../diagnostics.js';
/** Prefix of lines Vigil itself writes; read back as stream 'vigil'. */
export declare const VIGIL_MARK = "[vigil] ";
export interface BackendLogOptions {
    /** Lines kept in memory for tail(). */
    ringSize?: number;
    /** Rotate (copy to <id>.1.log, then truncate) above this size. */
    maxBytes?: number;
    /** Backstop poll period: fs.watch may coalesce or miss events. */
    pollMs?: number;
    /** Bytes of an existing file read at start to fill the ring. */
    seedBytes?: number;
    /** Where diagnostics go (a note or rotation that failed, once per cause); default stderr. */
    logger?: Logger;
    /** The same as a bare function (wins over `logger`). */
    onWarning?: (msg: string) => void;
}
/**
 * Bytes as the tailer read them, and where they lie in the file: `start` is
 * their byte offset within file generation `epoch` (a rotation or a
 * truncation starts a new generation, at offset 0).
 */
export interface LogChunk {
    data: Buffer;
    start: number;
    epoch: number;
}
export declare class BackendLog {
    readonly path: string;
    private ring;
    private offset;
    private partial;
    private watcher;
    private poll;
    private subs;
    private chunkSubs;
    private gen;
    private readonly ringSize;
    private readonly maxBytes;
    private readonly pollMs;
    private readonly seedBytes;
    private readonly warn;
    /** The errno code of the last failed write of a note (reported once), or null. */
    private noteTrouble;
    private rotateAfter;
    /** Times the file was rotated by this tailer (for tests and display). */
    rotations: number;
    constructor(path: string, opts?: BackendLogOptions);
    get rotatedPath(): string;
    start(): void;
    stop(): void;
    tail(n: number): LogLine[];
    subscribe(cb: (lines: LogLine[]) => void): () => void;
    /** The raw bytes of each read, for readers that parse the log themselves (from where a process started writing). */
    subscribeChunks(cb: (chunk: LogChunk) => void): () => void;
    /** How far the file has been read: a byte offset within file generation `epoch`. */
    get position(): {
        offset: number;
        epoch: number;
    };
    /** Appends a Vigil note ('spawned pid 123'); subscribers see it through the tail, in order. */
    appendVigilLine(text: string): void;
    /** Reads whatever was appended since the last read; rotates when too big. */
    read(skipFirstLine?: boolean): void;
    private consume;
    private rotate;
}
