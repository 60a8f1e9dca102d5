// Test helpers: a supervisor over a temp state dir with an in-memory event
// list, a fake-backend config builder and polling waits.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BackendFit } from '../electron/common/fit.js';
import type { LlamaView } from '../electron/common/llama.js';
import type { BackendStatus, BackendView, VigilEvent } from '../electron/common/state.js';
import { createVigilStore, type VigilStore } from '../electron/core/store.js';
import { BackendSupervisor, type SupervisorDeps } from '../electron/core/supervisor/backend-supervisor.js';
import { RunningRegistry } from '../electron/core/supervisor/running-registry.js';
import type { BackendContext } from '../electron/core/supervisor/seams.js';
import type { EventDraft } from '../electron/core/events.js';
import type { SupervisedBackendConfig } from '../electron/core/supervisor/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** The fake llama-server fixture (flags: --port, --load-ms, --crash-after-ms, --hang-after-ms, --ignore-sigterm …). */
export const FAKE_SERVER = path.resolve(here, '../e2e/fixtures/fake-llama-server.mjs');

export function fakeBackend(id: string, args: string[], over: Partial<SupervisedBackendConfig> = {}): SupervisedBackendConfig {
  return {
    id,
    cmd: [process.execPath, FAKE_SERVER, '--port', '${PORT}', ...args],
    env: {},
    cwd: null,
    port: 'auto',
    health: { path: '/health', intervalMs: 200, timeoutMs: 300, unhealthyAfter: 2, restartAfter: 1000, startupTimeoutMs: 15_000 },
    restart: { policy: 'always', backoff: { initialMs: 200, factor: 2, maxMs: 5000 }, limit: { count: 5, windowMs: 60_000 } },
    stop: { signal: 'SIGTERM', graceMs: 3000, cmd: null },
    memoryLimit: null,
    autostart: false,
    keepRunningOnQuit: false,
    ...over,
  };
}

export function eventSink(store: VigilStore, events: VigilEvent[] = []): (d: EventDraft) => VigilEvent {
  let seq = 0;
  return (d) => {
    const ev: VigilEvent = { seq: ++seq, time: Date.now(), backend: null, from: null, to: null, pid: null, exit: null, oom: null, ...d };
    events.push(ev);
    store.pushEvent(ev);
    return ev;
  };
}

export interface Harness {
  dir: string;
  store: VigilStore;
  events: VigilEvent[];
  registry: RunningRegistry;
  sup: BackendSupervisor;
  logPath: string;
  log(): string;
  transitions(): { to: BackendStatus | null; reason: string; time: number }[];
  waitFor(status: BackendStatus | ((s: BackendStatus) => boolean), timeoutMs?: number): Promise<void>;
  cleanup(): Promise<void>;
}

export function makeHarness(cfg: SupervisedBackendConfig, extra: Partial<SupervisorDeps> = {}): Harness {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-sup-'));
  const store = createVigilStore();
  const events: VigilEvent[] = [];
  const registry = new RunningRegistry(dir);
  const logPath = path.join(dir, 'logs', `${cfg.id}.log`);
  // strict: an illegal transition fails the test instead of being logged and refused.
  const sup = new BackendSupervisor(cfg, { store, emit: eventSink(store, events), registry, logPath, pollMs: 500, strict: true, ...extra });
  return {
    dir,
    store,
    events,
    registry,
    sup,
    logPath,
    log: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    transitions: () => events.filter((e) => e.kind === 'transition').map((e) => ({ to: e.to, reason: e.reason, time: e.time })),
    waitFor: (want, timeoutMs = 30_000) => waitUntil(() => (typeof want === 'function' ? want(sup.status) : sup.status === want), timeoutMs, () => `status ${sup.status} (${sup.snapshot().reason}) waiting for ${typeof want === 'string' ? want : 'predicate'}`),
    cleanup: async () => {
      const h = sup.process;
      if (h) await sup.stop();
      if (sup.snapshot().awaitingReap) await sup.reap();
      sup.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitUntil(cond: () => boolean, timeoutMs: number, what: () => string = () => 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One backend as a plug-in sees it, without a supervisor: `view` as given (stopped by default), sinks that keep what is set. */
export function backendContext(
  cfg: SupervisedBackendConfig,
  view: Partial<BackendView> = {},
): BackendContext & { fits: (BackendFit | null)[]; llamas: (LlamaView | null)[] } {
  const fits: (BackendFit | null)[] = [];
  const llamas: (LlamaView | null)[] = [];
  const base = { id: cfg.id, name: cfg.id, status: 'stopped', reason: '', since: 0, pid: null, pgid: null, procState: null, startedAt: null, port: null, oomScoreAdj: null, shed: null } as const;
  return {
    id: cfg.id,
    fits,
    llamas,
    config: () => cfg,
    view: () => ({
      ...base, adopted: false, restarts: 0, lastExit: null, awaitingReap: false, healthLatencyMs: null, nextRestartAt: null, memory: null,
      memoryLimit: cfg.memoryLimit, cgroup: null, command: cfg.cmd, restartPolicy: cfg.restart.policy, fit: fits.at(-1) ?? null, llama: llamas.at(-1) ?? null, ...view,
    }),
    cgroupPeak: () => null,
    setFit: (f) => void fits.push(f),
    setLlama: (l) => void llamas.push(l),
  };
}
