// Privileged tests: run where the capability exists, skip with the reason
// printed where it does not — unless VIGIL_REQUIRE_PRIVILEGED_TESTS=1 (CI),
// which turns that skip into a failure so the capability is proven there.
import { accessSync, constants, openSync, closeSync, readFileSync } from 'node:fs';
import { it } from 'vitest';

/** A check returns null when the capability is there, else why it is not. */
export type CapabilityCheck = () => string | null;

export const required = (): boolean => process.env.VIGIL_REQUIRE_PRIVILEGED_TESTS === '1';

export const isRoot: CapabilityCheck = () =>
  process.getuid?.() === 0 ? null : `not root (uid ${process.getuid?.()})`;

export const cgroupV1Memory: CapabilityCheck = () => {
  try {
    accessSync('/sys/fs/cgroup/memory/memory.limit_in_bytes', constants.R_OK);
    accessSync('/sys/fs/cgroup/memory', constants.W_OK);
    return null;
  } catch (e) {
    return `cgroup v1 memory controller not writable at /sys/fs/cgroup/memory (${(e as Error).message})`;
  }
};

export const kmsgReadable: CapabilityCheck = () => {
  try {
    closeSync(openSync('/dev/kmsg', 'r'));
    return null;
  } catch (e) {
    const restrict = (() => { try { return readFileSync('/proc/sys/kernel/dmesg_restrict', 'utf8').trim(); } catch { return '?'; } })();
    return `/dev/kmsg not readable (${(e as Error).message}; kernel.dmesg_restrict=${restrict})`;
  }
};

export const all = (...checks: CapabilityCheck[]): CapabilityCheck => () => {
  const missing = checks.map((c) => c()).filter((m): m is string => m !== null);
  return missing.length ? missing.join('; ') : null;
};

/** `it` that needs a capability: runs, skips with a printed reason, or (in CI) fails. */
export function itPrivileged(name: string, check: CapabilityCheck, fn: () => Promise<void> | void, timeout?: number): void {
  const missing = check();
  if (missing === null) {
    it(name, fn, timeout);
  } else if (required()) {
    it(name, () => {
      throw new Error(`VIGIL_REQUIRE_PRIVILEGED_TESTS=1 but capability missing: ${missing}`);
    });
  } else {
    console.warn(`[skip] ${name}: ${missing} (set up root/cgroups//dev/kmsg to run it)`);
    it.skip(`${name} — skipped: ${missing}`, fn);
  }
}
