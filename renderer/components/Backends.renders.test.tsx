// @vitest-environment happy-dom
// A delta re-renders only the card of the backend it changed: 50 cards in a
// DOM, state through the one client (common/client.ts) as the hosts send it
// (a snapshot, then deltas from common/state-delta.ts), the real store and
// the real memoized BackendCard. Each card render reads its health figure
// once; counting those calls per backend counts the renders.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../../electron/common/api.js';
import { createVigilClient, type ClientTransport } from '../../electron/common/client.js';
import { diffState, type StateMessage } from '../../electron/common/state-delta.js';
import type { BackendView, VigilState } from '../../electron/common/state.js';
import { connectStore, useNow, useUi } from '../store/store.js';
import { Backends } from './Backends.js';

// The web project (renderer and electron/common) does not reach test-support: the state is built here.
function backend(id: string): BackendView {
  return {
    id, name: id, status: 'ready', reason: '', since: 0, pid: 1234, pgid: 1234, procState: 'sleeping', startedAt: 0, port: 8080,
    adopted: false, restarts: 2, lastExit: null, awaitingReap: false, healthLatencyMs: 12, nextRestartAt: null,
    memory: { rss: 5_000_000, anon: 4_000_000, file: 1_000_000, shmem: 0, swap: 0, pss: null, processes: 1 },
    memoryLimit: null, cgroup: null, command: ['llama-server'], restartPolicy: 'always', fit: null, llama: null, oomScoreAdj: null, shed: null,
  };
}

function baseState(backends: BackendView[]): VigilState {
  return {
    hostname: 'test', time: 1, backends, events: [], ooms: [],
    memory: { system: { time: 1, memTotal: 24e9, memAvailable: 20e9, swapTotal: 0, swapFree: 0, psi: null }, gpus: [] },
    kernelLog: { active: 'none', detail: '', hint: null },
    config: { path: '/x', loadedAt: 1, errors: [], ignored: [], format: 'vigil', created: false },
    alerts: [], uid: 1000, watched: [],
  };
}

const renders = new Map<string, number>();
vi.mock('../lib/card-figures.js', async (original) => {
  const real = await original<typeof import('../lib/card-figures.js')>();
  return {
    ...real,
    healthFact: (b: Parameters<typeof real.healthFact>[0] & { id?: string }) => {
      renders.set(b.id!, (renders.get(b.id!) ?? 0) + 1);
      return real.healthFact(b);
    },
  };
});

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A host in memory: the snapshot on request, then each new state as the delta from the last. */
function host(initial: VigilState) {
  let state = initial;
  let version = 1;
  let deliver: ((m: StateMessage) => void) | null = null;
  const transport: ClientTransport = {
    request: async (name) => {
      if (name !== 'getState') throw new Error(`not in this test: ${name}`);
      return state;
    },
    listen: (h) => void (deliver = h.state),
    resync: () => deliver?.({ version, state }),
    subscribeLogs: () => {},
    unsubscribeLogs: () => {},
    onConnection: (cb: (s: ConnectionStatus) => void) => (cb('connected'), () => {}),
  };
  return {
    transport,
    /** What the push path sends after a change. */
    change(next: VigilState) {
      const delta = diffState(state, next);
      state = next;
      if (delta) deliver?.({ version: ++version, from: version - 1, delta });
    },
    /** What a naive push sent: every backend a fresh object. */
    snapshot(next: VigilState) {
      state = next;
      deliver?.({ version: ++version, state: JSON.parse(JSON.stringify(next)) as VigilState });
    },
  };
}

let root: Root | null = null;
let disconnect: (() => void) | null = null;
afterEach(() => {
  act(() => root?.unmount());
  disconnect?.();
  useUi.setState({ api: null, state: null });
  renders.clear();
});

describe('applying a delta', () => {
  it('re-renders the card of the backend that changed and no other', async () => {
    const h = host(baseState(Array.from({ length: 50 }, (_, i) => backend(`b${i}`))));
    disconnect = connectStore(createVigilClient(h.transport));
    const el = document.createElement('div');
    document.body.append(el);
    root = createRoot(el);
    await act(async () => root!.render(<Backends />));
    expect(el.querySelectorAll('article.card')).toHaveLength(50);
    expect([...renders.values()].every((n) => n === 1)).toBe(true);
    renders.clear();

    const s = useUi.getState().state!;
    const backends = s.backends.slice();
    backends[7] = { ...backends[7]!, status: 'unhealthy', reason: 'probe timed out' };
    await act(async () => h.change({ ...s, backends, time: s.time + 1 }));
    expect(el.querySelector('[data-testid="status-b7"]')?.textContent).toMatch(/unhealthy/i);
    expect(Object.fromEntries(renders)).toEqual({ b7: 1 });

    // A change outside the backends (system memory) renders no card.
    renders.clear();
    const t = useUi.getState().state!;
    await act(async () => h.change({ ...t, memory: { ...t.memory, system: { ...t.memory.system!, memAvailable: 1e9 } }, time: t.time + 1 }));
    expect(useUi.getState().state!.memory.system?.memAvailable).toBe(1e9);
    expect(renders.size).toBe(0);

    // A clock tick re-renders the uptimes, not the cards; an uptime past an hour shows minutes and stays as it is.
    renders.clear();
    const uptime = (): string | null | undefined => el.querySelector('[data-testid="life-b3"]')?.textContent;
    await act(async () => useNow.setState({ now: 3_600_000 + 5_000 }));
    expect(uptime()).toBe('1h 00m');
    await act(async () => useNow.setState({ now: 3_600_000 + 6_000 }));
    expect(uptime()).toBe('1h 00m');
    expect(renders.size).toBe(0);

    // The naive push (a whole new snapshot) renders all 50: the count above is not blind.
    renders.clear();
    await act(async () => h.snapshot({ ...useUi.getState().state!, time: t.time + 2 }));
    expect(renders.size).toBe(50);
  });
});
