// The tray, the card and REST agree on every (state, command) pair, because
// each reads electron/common/commands.ts. REST is asked through the real
// HTTP server over an in-memory service put in each state in turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_COMMANDS, COMMANDS_BY_STATUS, commandRefusal, type BackendCommand } from '../electron/common/commands.js';
import { BACKEND_STATUSES, type BackendStatus, type BackendView } from '../electron/common/state.js';
import { trayBackendItems } from '../electron/desktop/tray-model.js';
import { startServer, type RunningServer } from '../electron/serve/server.js';
import { cardActions } from '../renderer/lib/card-actions.js';
import { backend, baseState, fakeService, type FakeService } from './fake-service.js';

const TOKEN = 'command-rules-token-0123456789';
let svc: FakeService;
let srv: RunningServer;
beforeAll(async () => {
  svc = fakeService(baseState([]));
  srv = await startServer({ service: svc, token: TOKEN, rendererDir: '/nonexistent' });
});
afterAll(() => srv.close());

interface Case {
  status: BackendStatus;
  awaitingReap: boolean;
  command: BackendCommand;
}
const cases: Case[] = BACKEND_STATUSES.flatMap((status) =>
  [false, true].flatMap((awaitingReap) => BACKEND_COMMANDS.map((command) => ({ status, awaitingReap, command }))),
);

const subject = (c: Case): BackendView =>
  backend('b', { status: c.status, awaitingReap: c.awaitingReap, pid: c.status === 'stopped' ? null : 4321 });

function tray(c: Case): boolean {
  const item = trayBackendItems([subject(c)])[0]!;
  return item.commands.find((x) => x.command === c.command)?.enabled ?? false;
}

function card(c: Case): boolean {
  return cardActions(subject(c), null).find((a) => a.command === c.command)!.enabled;
}

async function rest(c: Case): Promise<{ status: number; message: string }> {
  svc.setState(baseState([subject(c)]));
  const r = await fetch(`http://127.0.0.1:${srv.port}/api/backends/b/${c.command}`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
  return { status: r.status, message: ((await r.json()) as { message: string }).message };
}

describe('one command table for tray, card and REST', () => {
  it('covers every state, both reap states and every command', () => {
    expect(cases).toHaveLength(BACKEND_STATUSES.length * 2 * BACKEND_COMMANDS.length);
    expect(Object.keys(COMMANDS_BY_STATUS).sort()).toEqual([...BACKEND_STATUSES].sort());
  });

  it.each(cases)('$status (awaitingReap $awaitingReap): $command', async (c) => {
    // What the table says, spelled out independently: a command is accepted
    // in the states that list it, and Reap only while a zombie waits.
    const accepted = COMMANDS_BY_STATUS[c.status].includes(c.command) && (c.command !== 'reap' || c.awaitingReap);
    const calls = svc.calls.length;
    const answer = await rest(c);
    expect({ tray: tray(c), card: card(c), rest: answer.status === 200 }).toEqual({ tray: accepted, card: accepted, rest: accepted });
    if (accepted) {
      expect(svc.calls.length).toBe(calls + 1);
    } else {
      expect(answer.status).toBe(409);
      expect(answer.message).toBe(commandRefusal(c.command, subject(c)));
      expect(svc.calls.length).toBe(calls);
    }
  });

  it('the card disables every button while one of its commands is in flight', () => {
    const b = backend('b', { status: 'ready' });
    expect(cardActions(b, 'restart').map((a) => [a.command, a.enabled, a.refusal])).toEqual(
      BACKEND_COMMANDS.map((c) => [c, false, 'restart in progress']),
    );
  });

  it('REST answers 404 for a backend it does not have', async () => {
    svc.setState(baseState([backend('b')]));
    const r = await fetch(`http://127.0.0.1:${srv.port}/api/backends/ghost/stop`, { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(r.status).toBe(404);
    expect(await r.json()).toEqual({ ok: false, message: "unknown backend 'ghost'" });
  });
});
