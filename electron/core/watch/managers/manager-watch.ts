// The managers among the watched servers (llama.cpp's router, Ollama,
// llama-swap, lemond): each one's API is read at a modest pace and right
// after one of its servers is born or dies, and every published list
// carries, on each manager, its servers and its claims against what Vigil
// sees, and on each server the model by its manager's name.
import { existsSync } from 'node:fs';
import type { ManagerClaim, ManagerView, WatchEvent, WatchedServer } from '../../../common/watch.js';
import type { Logger } from '../../diagnostics.js';
import { classify } from '../catalog.js';
import { getJson, pickListen } from '../health.js';
import { genaiElectronModel } from './genai-electron.js';
import { lemonade } from './lemonade.js';
import { llamaSwap } from './llama-swap.js';
import { ollama } from './ollama.js';
import { ramalamaModel } from './ramalama.js';
import { isLive, reconcile, type ApiState } from './reconcile.js';
import { router } from './router.js';
import type { ManagerAdapter } from './types.js';

export const MANAGERS: readonly ManagerAdapter[] = [router, ollama, llamaSwap, lemonade];

export const adapterOf = (v: WatchedServer): ManagerAdapter | null => MANAGERS.find((a) => a.is(v)) ?? null;

export interface ManagerWatchOptions {
  /** Something a view shows changed between ticks (an answer arrived): republish. */
  onChange?: () => void;
  /** Regular pace of each manager's API (default 5000 ms). */
  pollMs?: number;
  timeoutMs?: number;
  procRoot?: string;
  logger?: Logger;
  /** GET a JSON document (tests pass their own server's address through the real one). */
  getJson?: typeof getJson;
}

/** After a birth or death among its servers: read the manager now and once more a moment later (it may learn of the death itself only then). */
const KICKS_MS = [150, 1500];

interface ManagerState {
  adapter: ManagerAdapter;
  view: WatchedServer;
  api: ApiState;
  nextAt: number;
  inFlight: boolean;
  again: boolean;
  timers: NodeJS.Timeout[];
  /** The last published view (without the answer's time), to know when it changed. */
  signature: string;
}

const alive = isLive;

export class ManagerWatch {
  /** Bumped when a manager's view or a server's name changed: hosts republish when it moves. */
  version = 0;
  private readonly states = new Map<string, ManagerState>();
  private readonly everReady = new Set<string>();
  private last: readonly WatchedServer[] = [];
  private closed = false;

  constructor(private readonly opts: ManagerWatchOptions = {}) {}

  /** Per tick, with the watcher's list: start or end watching managers, read the due ones. */
  update(all: readonly WatchedServer[], now = Date.now()): void {
    this.last = all;
    const ids = new Set<string>();
    for (const v of all) {
      if (/^HTTP 2\d\d /.test(v.healthDetail)) this.everReady.add(v.id);
      ids.add(v.id);
      const adapter = adapterOf(v);
      if (!adapter || !alive(v)) continue;
      let st = this.states.get(v.id);
      if (!st) {
        st = { adapter, view: v, api: { path: adapter.path, at: null, detail: 'not read yet', reading: null }, nextAt: now, inFlight: false, again: false, timers: [], signature: '' };
        this.states.set(v.id, st);
      }
      st.view = v;
      if (now >= st.nextAt) this.poll(st);
    }
    for (const id of this.everReady) if (!ids.has(id)) this.everReady.delete(id);
    for (const [id, st] of this.states) {
      const v = all.find((x) => x.id === id);
      if (!v || !alive(v)) {
        for (const t of st.timers) clearTimeout(t);
        if (!v) this.states.delete(id);
      }
    }
    this.checkChanged();
  }

  /** A watcher event: a birth, death or OOM kill of a manager's server reads that manager at once. */
  onEvent(e: WatchEvent): void {
    if (e.kind !== 'discovered' && e.kind !== 'exited' && e.kind !== 'oom' && e.kind !== 'reaped') return;
    const parent = e.server.manager?.pid;
    if (parent === undefined) return;
    for (const st of this.states.values()) {
      if (st.view.pid !== parent || !alive(st.view)) continue;
      for (const t of st.timers) clearTimeout(t);
      st.timers = KICKS_MS.map((ms) => {
        const t = setTimeout(() => this.poll(st), ms);
        t.unref();
        return t;
      });
    }
  }

  /** The list with each manager's view and each server's model by its manager's name. */
  decorate(all: readonly WatchedServer[], now = Date.now()): WatchedServer[] {
    const byPid = new Map<number, WatchedServer>();
    for (const v of all) if (adapterOf(v)) byPid.set(v.pid, v);
    return all.map((v) => {
      const out: WatchedServer = { ...v };
      const st = this.states.get(v.id);
      const adapter = adapterOf(v);
      if (adapter) out.managerView = this.viewOf(v, adapter, st?.api ?? null, all, now);
      const mgr = v.manager ? byPid.get(v.manager.pid) : undefined;
      const name = this.nameOf(v, mgr ? adapterOf(mgr) : null, mgr ? (this.states.get(mgr.id)?.api.reading?.claims ?? []) : []);
      if (name !== null) out.managedModel = name;
      return out;
    });
  }

  close(): void {
    this.closed = true;
    for (const st of this.states.values()) for (const t of st.timers) clearTimeout(t);
    this.states.clear();
  }

  // ---- internals --------------------------------------------------------------

  private nameOf(s: WatchedServer, adapter: ManagerAdapter | null, claims: readonly ManagerClaim[], claim?: ManagerClaim | null): string | null {
    if (adapter) {
      const own = adapter.nameOf?.(s) ?? null;
      if (own) return own;
      const c = claim === undefined ? adapter.claimOf(s, claims) : claim;
      if (c) return c.model;
    }
    return ramalamaModel(s) ?? genaiElectronModel(s);
  }

  private viewOf(m: WatchedServer, adapter: ManagerAdapter, api: ApiState | null, all: readonly WatchedServer[], _now: number): ManagerView {
    const procRoot = this.opts.procRoot ?? '/proc';
    return reconcile({
      manager: m,
      adapter,
      api,
      all,
      everReady: this.everReady,
      pidAlive: (pid) => existsSync(`${procRoot}/${pid}`),
      nameOf: (s, c) => this.nameOf(s, adapter, api?.reading?.claims ?? [], c),
      onReady: (id) => this.everReady.add(id),
    });
  }

  private checkChanged(): void {
    let changed = false;
    for (const st of this.states.values()) {
      const v = this.viewOf(st.view, st.adapter, st.api, this.last, Date.now());
      const sig = JSON.stringify({ ...v, api: v.api ? { ...v.api, at: null } : null });
      if (sig !== st.signature) {
        st.signature = sig;
        changed = true;
      }
    }
    if (changed) this.version++;
  }

  private poll(st: ManagerState): void {
    if (this.closed) return;
    if (st.inFlight) {
      st.again = true;
      return;
    }
    const pollMs = this.opts.pollMs ?? 5000;
    st.nextAt = Date.now() + pollMs;
    const m = st.view;
    const l = pickListen(m.listen, [classify({ argv: m.cmdline, exe: m.exe })?.port ?? null, st.adapter.defaultPort]);
    if (!l) {
      this.answer(st, null, 'no listening TCP port found');
      return;
    }
    st.inFlight = true;
    const get = this.opts.getJson ?? getJson;
    void get(l, st.adapter.path, this.opts.timeoutMs ?? 2000).then((body) => {
      st.inFlight = false;
      const reading = body === null ? null : st.adapter.read(body);
      const detail = body === null ? `no answer from ${st.adapter.path} on port ${l.port}` : reading ? `GET ${st.adapter.path}` : `${st.adapter.path} on port ${l.port} did not answer in ${st.adapter.name}'s shape`;
      this.answer(st, reading, detail);
      if (st.again) {
        st.again = false;
        this.poll(st);
      }
    });
  }

  private answer(st: ManagerState, reading: ApiState['reading'], detail: string): void {
    const now = Date.now();
    // A failed read keeps the last claims (shown with their time) rather than blanking the card.
    st.api = { path: st.adapter.path, at: reading ? now : st.api.at, detail, reading: reading ?? st.api.reading };
    const before = this.version;
    this.checkChanged();
    if (this.version !== before) this.opts.onChange?.();
  }
}
