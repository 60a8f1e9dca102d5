// Playwright's binding of test-support/capabilities.ts: call at the top of a
// privileged test body; it returns where the capability exists, skips the
// test with the reason printed where it does not, and fails when CI requires it.
import { test } from '@playwright/test';
import { oomCapability, verdict, type CapabilityCheck } from '../../test-support/capabilities.js';

export function requireCapability(check: CapabilityCheck, what: string): void {
  const v = verdict(check);
  if (v.action === 'run') return;
  if (v.action === 'fail') throw new Error(v.message);
  console.warn(`[skip] ${what}: ${v.reason}`);
  test.skip(true, v.reason);
}

/** Root, cgroup v1's memory controller and /dev/kmsg: a real kernel OOM kill. */
export function requireOomCapability(): void {
  requireCapability(oomCapability, 'kernel OOM e2e');
}
