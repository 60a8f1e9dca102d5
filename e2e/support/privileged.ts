// Privileged e2e tests (kernel OOM kill): run where root + cgroup v1 memory +
// /dev/kmsg exist; skip with the reason printed elsewhere; FAIL instead of
// skipping when VIGIL_REQUIRE_PRIVILEGED_TESTS=1 (CI). Mirrors
// test-support/privileged.ts, which is bound to vitest's `it`.
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { test } from '@playwright/test';

export function missingOomCapability(): string | null {
  const missing: string[] = [];
  if (process.getuid?.() !== 0) missing.push(`not root (uid ${process.getuid?.()})`);
  try {
    accessSync('/sys/fs/cgroup/memory/memory.limit_in_bytes', constants.R_OK);
    accessSync('/sys/fs/cgroup/memory', constants.W_OK);
  } catch (e) {
    missing.push(`cgroup v1 memory controller not writable (${(e as Error).message})`);
  }
  try {
    closeSync(openSync('/dev/kmsg', 'r'));
  } catch (e) {
    missing.push(`/dev/kmsg not readable (${(e as Error).message})`);
  }
  return missing.length ? missing.join('; ') : null;
}

/** Call at the top of a privileged test body. */
export function requireOomCapability(): void {
  const missing = missingOomCapability();
  if (missing === null) return;
  if (process.env.VIGIL_REQUIRE_PRIVILEGED_TESTS === '1') throw new Error(`VIGIL_REQUIRE_PRIVILEGED_TESTS=1 but capability missing: ${missing}`);
  console.warn(`[skip] kernel OOM e2e: ${missing}`);
  test.skip(true, missing);
}
