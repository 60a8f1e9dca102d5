export declare const JOURNAL_STATE_FILE = "journal-cursor.json";
export type JournalWhat = 'kernel' | 'userspace' | 'both';
export interface JournalSourceOptions {
    journalctl?: string;
    what: JournalWhat;
    stateDir: string | null;
    /** Each journal entry, as its JSON line. */
    onLine(line: string): void;
    onError?(err: Error): void;
}
export interface JournalProbe {
    ok: boolean;
    /** One line: why not, or what was found. */
    detail: string;
    denied: boolean;
    missing: boolean;
}
export declare function matchArgs(what: JournalWhat): string[];
/** Can the journal give us kernel messages of this boot? */
export declare function probeJournal(journalctl?: string): Promise<JournalProbe>;
export declare class JournalSource {
    private readonly opts;
    private child;
    private cursor;
    private stopped;
    private readonly cmd;
    constructor(opts: JournalSourceOptions);
    /** Reads the backlog (this boot, or after the saved cursor), then follows. Rejects with a clear error when journalctl cannot run. */
    start(): Promise<void>;
    stop(): void;
    private follow;
    private take;
    private loadCursor;
    private saveCursor;
}
