// The one source of the config in force: loads the file once at start (the
// example is written when it is absent), then reloads it when it changes.
// Watches the directory, not the file: editors save by rename, which would
// orphan a watch on the old inode. An invalid edit keeps the last good config
// in force; `status` says what the last attempt found. inotify can drop an
// event (a full queue, a watch the kernel ends), so the file's identity is
// also checked every few seconds: an edit is never lost, only later.
import { statSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import type { VigilConfig } from '../../common/config-schema.js';
import type { ConfigStatus } from '../../common/state.js';
import { stderrLogger, type Logger } from '../diagnostics.js';
import { everyShared } from '../shared-interval.js';
import { loadConfig, type ConfigLoadResult } from './load-config.js';

const BACKSTOP_MS = 2000;

/** What changes when the file is edited or replaced: inode, size and modification time. */
function identity(file: string): string {
  try {
    const st = statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

export interface ConfigChange {
  /** The config in force (the last good one when `result` failed). */
  config: VigilConfig | null;
  result: ConfigLoadResult;
  status: ConfigStatus;
}

export class ConfigWatcher {
  private watcher: FSWatcher | null = null;
  private stopBackstop: (() => void) | null = null;
  /** The file's identity when it was last read. */
  private seen = '';
  private timer: NodeJS.Timeout | null = null;
  private listeners = new Set<(c: ConfigChange) => void>();
  private lastGood: VigilConfig | null = null;
  private loading: Promise<ConfigChange> | null = null;
  private again = false;
  private state: ConfigStatus;

  private readonly debounceMs: number;
  private readonly logger: Logger;

  constructor(
    readonly file: string,
    opts: { debounceMs?: number; logger?: Logger } = {},
  ) {
    this.debounceMs = opts.debounceMs ?? 150;
    this.logger = opts.logger ?? stderrLogger;
    this.state = { path: file, loadedAt: null, errors: [], ignored: [], format: null, created: false };
  }

  get config(): VigilConfig | null {
    return this.lastGood;
  }
  get status(): ConfigStatus {
    return this.state;
  }

  /** Loads once (creating the example when absent) and starts watching. */
  async start(): Promise<ConfigChange> {
    const first = await this.reload({ create: true });
    const dir = path.dirname(this.file);
    const base = path.basename(this.file);
    const soon = (): void => {
      if (this.timer) clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.reload();
      }, this.debounceMs);
    };
    this.stopBackstop = everyShared(BACKSTOP_MS, () => {
      if (!this.loading && !this.timer && identity(this.file) !== this.seen) soon();
    });
    try {
      this.watcher = watch(dir, (_ev, name) => {
        if (name !== null && name !== base) return;
        soon();
      });
      this.watcher.on('error', (e) => this.logger.warn(`${dir}: config watch ended; edits apply on the next reload`, e));
    } catch (e) {
      this.logger.warn(`${dir}: cannot watch the config for edits; they apply on the next reload`, e);
    }
    return first;
  }

  onChange(cb: (c: ConfigChange) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Reloads now; concurrent calls coalesce into one more load after the current. */
  async reload(opts: { create?: boolean } = {}): Promise<ConfigChange> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = (async () => {
      let change: ConfigChange;
      do {
        this.again = false;
        this.seen = identity(this.file);
        const result = await loadConfig(this.file, opts);
        if (result.ok) {
          this.lastGood = result.config;
          this.state = { path: this.file, loadedAt: Date.now(), errors: [], ignored: result.ignored, format: result.format, created: result.created };
        } else {
          this.state = { ...this.state, errors: result.issues };
        }
        change = { config: this.lastGood, result, status: this.state };
      } while (this.again);
      return change;
    })();
    try {
      const change = await this.loading;
      for (const cb of this.listeners) cb(change);
      return change;
    } finally {
      this.loading = null;
    }
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    this.stopBackstop?.();
    this.stopBackstop = null;
  }
}
