// Signal names ↔ numbers from Node's own table (correct per architecture).
import { constants } from 'node:os';

const byName = constants.signals as Record<string, number>;
const byNumber = new Map<number, NodeJS.Signals>();
for (const [name, num] of Object.entries(byName)) if (!byNumber.has(num)) byNumber.set(num, name as NodeJS.Signals);

/** 'SIGTERM' → 15. Numbers pass through after a range check. Throws on an unknown name. */
export function signalNumber(sig: NodeJS.Signals | number): number {
  if (typeof sig === 'number') {
    if (!Number.isInteger(sig) || sig < 0 || sig > 64) throw new RangeError(`signal number out of range: ${sig}`);
    return sig;
  }
  const n = byName[sig];
  if (n === undefined) throw new RangeError(`unknown signal name: ${String(sig)}`);
  return n;
}

/** 15 → 'SIGTERM'; null for numbers without a name (e.g. real-time signals). */
export function signalName(num: number): NodeJS.Signals | null {
  return byNumber.get(num) ?? null;
}
