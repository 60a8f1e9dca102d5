// What each manager module provides: where its API lists what it runs, how
// to read that answer into claims, and how it names the model of one of its
// servers from the server's own command line.
import type { ManagerClaim, WatchedServer } from '../../../common/watch.js';

export interface ManagerReading {
  claims: ManagerClaim[];
  /** Models it can load, where its API lists them (the router's /models). */
  available: string[];
}

export interface ManagerAdapter {
  /** How the manager is named in sentences ('the router', 'Ollama', 'llama-swap', 'lemond'). */
  name: string;
  /** GET path listing what it runs. */
  path: string;
  /** Its port when the command line names none. */
  defaultPort: number | null;
  /** Whether this watched process is this manager. */
  is(v: WatchedServer): boolean;
  /** Its answer read into claims; null when the answer is not its shape. */
  read(body: unknown): ManagerReading | null;
  /** The model by the manager's name, from a server's own command line (router alias, Ollama manifest); null when it does not say. */
  nameOf?(server: WatchedServer): string | null;
  /** Which claim is this server's (by pid, port, alias …); null when none is. */
  claimOf(server: WatchedServer, claims: readonly ManagerClaim[]): ManagerClaim | null;
}

/** A server's port from its command line (`--port N`). */
export const argvPort = (argv: readonly string[]): number | null => {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = a === '--port' ? argv[i + 1] : a.startsWith('--port=') ? a.slice(7) : undefined;
    if (v !== undefined) {
      const n = Number(v);
      return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
    }
  }
  return null;
};

/** Ports it listens on, or the one its command line names. */
export const serverPorts = (s: WatchedServer): number[] => {
  const ports = s.listen.map((l) => l.port);
  const p = argvPort(s.cmdline);
  if (p !== null) ports.push(p);
  return ports;
};
