// vitest's binding of test-support/capabilities.ts: `itPrivileged` runs the
// test where the capability exists, skips it with the reason printed where it
// does not, and fails instead when CI requires the capability.
import { it } from 'vitest';
import { verdict, type CapabilityCheck } from './capabilities.js';

export { all, cgroupV1Memory, isRoot, kmsgReadable, oomCapability, procEventsConnector, required, type CapabilityCheck } from './capabilities.js';

/** `it` that needs a capability: runs, skips with a printed reason, or (in CI) fails. */
export function itPrivileged(name: string, check: CapabilityCheck, fn: () => Promise<void> | void, timeout?: number): void {
  const v = verdict(check);
  if (v.action === 'run') {
    it(name, fn, timeout);
  } else if (v.action === 'fail') {
    it(name, () => {
      throw new Error(v.message);
    });
  } else {
    console.warn(`[skip] ${name}: ${v.reason} (set up root/cgroups//dev/kmsg to run it)`);
    it.skip(`${name} — skipped: ${v.reason}`, fn);
  }
}
