import type { VigilEvent } from '../../common/state.js';
import { type Logger } from '../diagnostics.js';
type Nullable = 'time' | 'backend' | 'from' | 'to' | 'pid' | 'exit' | 'oom';
/** An event without seq; time and the nullable fields may be left out (the supervisor's EventDraft fits). */
export type EventInput = Omit<VigilEvent, 'seq' | Nullable> & Partial<Pick<VigilEvent, Nullable>>;
export interface JournalOptions {
    /** Rotate when the live file would exceed this many bytes. */
    maxBytes?: number;
    /** Rotated files kept (events.1.jsonl … events.N.jsonl). */
    keep?: number;
    flushMs?: number;
    /** In-memory recent events. */
    recentCap?: number;
    /** Where problems with the files go (a torn line skipped, a failed write); default stderr. */
    logger?: Logger;
    /** The same as a bare function (wins over `logger`). */
    onWarning?: (msg: string) => void;
    /**
     * Events the journal raises itself (it cannot write its file; it can
     * again). They are already journaled: the host only shows them.
     */
    onEvent?: (ev: VigilEvent) => void;
    /** Unwritten events kept while the file takes no writes; beyond it the oldest are dropped (and counted). */
    maxUnwritten?: number;
    /** While writes fail, how often to try again. */
    retryMs?: number;
}
export interface JournalQuery {
    backend?: string;
    since?: number;
    until?: number;
    limit?: number;
}
export declare class EventJournal {
    readonly dir: string;
    private readonly files;
    private seq;
    private pending;
    private timer;
    private retryTimer;
    private ring;
    private closed;
    private outage;
    private rotateTrouble;
    private readonly flushMs;
    private readonly recentCap;
    private readonly maxUnwritten;
    private readonly retryMs;
    private readonly warn;
    private readonly onEvent;
    private constructor();
    /** Opens (creating) the journal in `stateDir`; a directory that takes no writes is reported, not thrown. */
    static open(stateDir: string, opts?: JournalOptions): EventJournal;
    get livePath(): string;
    get lastSeq(): number;
    /** Why the file takes no writes right now (an errno code), or null. */
    get writeError(): string | null;
    /** Events kept in memory, not yet in the file. */
    get unwritten(): number;
    /** Assigns seq (and time when absent), stores and returns the event. */
    append(input: EventInput): VigilEvent;
    /** Writes pending lines; with `sync`, also fsyncs. Never throws: a failure keeps them for the next try. */
    flush(sync?: boolean): void;
    /** Events matching `q` over all files and the unwritten ones, oldest first; `limit` keeps the newest. */
    query(q?: JournalQuery): VigilEvent[];
    /** The newest `n` events from memory, oldest first. */
    recent(n: number): VigilEvent[];
    close(): void;
    private store;
    private flushSoon;
    /** Raises a journal event; the host hears of it after the caller's own event (a microtask later). */
    private raise;
    /** A rotation that fails (renames refused) leaves the events safe in the live file: said once per cause. */
    private checkRotation;
    private writeFailed;
    private writeResumed;
    private stopRetry;
}
export {};
