// User rules (`watch: rules` and `watch: ignore`): a process matches when
// every condition the rule gives holds. Conditions that cost a read (the
// executable, the unit) are checked only after the cheap ones passed, and
// only through the `facts` callbacks, so a rule on the command line costs
// nothing for the processes it does not match. A port condition is answered
// from the socket side (discovery finds the owner of a listening port).
import path from 'node:path';
import type { WatchMatch, WatchRule } from '../../common/watch-schema.js';

export interface CompiledMatch {
  cmdline: RegExp | null;
  /** Absolute path (compared with /proc/<pid>/exe) or bare name (compared with basenames). */
  exe: string | null;
  unit: string | null;
  port: number | null;
}

export interface CompiledRule extends CompiledMatch {
  name: string;
  health: string | null;
}

/** What a rule may ask about a process; lazy where a read is needed. */
export interface ProcessFacts {
  argv: readonly string[];
  comm: string;
  exe(): string | null;
  unit(): string | null;
  /** Ports it listens on; null when unknown (then a port condition is decided elsewhere). */
  ports: readonly number[] | null;
}

const compileMatch = (m: WatchMatch): CompiledMatch => ({
  cmdline: m.cmdline === undefined ? null : new RegExp(m.cmdline),
  exe: m.exe ?? null,
  unit: m.unit ?? null,
  port: m.port ?? null,
});

export const compileRule = (r: WatchRule): CompiledRule => ({ ...compileMatch(r), name: r.name, health: r.health });
export const compileIgnore = compileMatch;

function exeMatches(want: string, f: ProcessFacts): boolean {
  if (want.startsWith('/')) {
    const exe = f.exe();
    return exe !== null && exe.replace(/ \(deleted\)$/, '') === want;
  }
  if (f.argv.length > 0 && path.posix.basename(f.argv[0]!) === want) return true;
  // comm is the executable's name cut to 15 bytes.
  if (f.comm === want.slice(0, 15)) return true;
  const exe = f.exe();
  return exe !== null && path.posix.basename(exe.replace(/ \(deleted\)$/, '')) === want;
}

/** Does the process meet every condition? A port condition with unknown ports counts as not met. */
export function matches(m: CompiledMatch, f: ProcessFacts): boolean {
  if (m.port !== null && (f.ports === null || !f.ports.includes(m.port))) return false;
  if (m.cmdline && !m.cmdline.test(f.argv.join(' '))) return false;
  if (m.exe !== null && !exeMatches(m.exe, f)) return false;
  if (m.unit !== null && f.unit() !== m.unit) return false;
  return true;
}
