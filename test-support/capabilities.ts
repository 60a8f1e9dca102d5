// What a privileged test needs and whether this machine has it, free of any
// test framework: vitest tests (test-support/privileged.ts), Playwright specs
// (e2e/support/privileged.ts) and benchmarks all decide the same way. A test
// whose capability is missing skips with the reason printed, unless
// VIGIL_REQUIRE_PRIVILEGED_TESTS=1 (CI), which turns the skip into a failure.
import { accessSync, closeSync, constants, openSync, readFileSync } from 'node:fs';
import { openProcEvents } from '../native-bindings/proc-events.js';

/** A check returns null when the capability is there, else why it is not. */
export type CapabilityCheck = () => string | null;

export const REQUIRE_ENV = 'VIGIL_REQUIRE_PRIVILEGED_TESTS';
export const required = (): boolean => process.env[REQUIRE_ENV] === '1';

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

/** The kernel's process events connector (netlink CN_PROC): needs CAP_NET_ADMIN and CONFIG_PROC_EVENTS. */
export const procEventsConnector: CapabilityCheck = () => {
  try {
    openProcEvents(() => {}).close();
    return null;
  } catch (e) {
    return `the kernel's process events connector is not available (${(e as Error).message})`;
  }
};

/** A real kernel OOM kill in a memory cgroup, seen in the kernel log. */
export const oomCapability: CapabilityCheck = all(isRoot, cgroupV1Memory, kmsgReadable);

export type Verdict = { action: 'run' } | { action: 'fail'; message: string } | { action: 'skip'; reason: string };

/** Run, skip (reason printed by the caller's framework), or fail because CI requires the capability. */
export function verdict(check: CapabilityCheck): Verdict {
  const missing = check();
  if (missing === null) return { action: 'run' };
  if (required()) return { action: 'fail', message: `${REQUIRE_ENV}=1 but capability missing: ${missing}` };
  return { action: 'skip', reason: missing };
}
