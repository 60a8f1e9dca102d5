// vitest's `it` for tests that need the real llama-server: runs where the
// test bed is built, skips with the reason (and the command that builds it)
// printed where it is not — unless VIGIL_REQUIRE_LLAMA_SERVER=1 (CI), which
// turns that skip into a failure. Tests that are also privileged (cgroups,
// /dev/kmsg) follow VIGIL_REQUIRE_PRIVILEGED_TESTS for those checks.
import { it } from 'vitest';
import { required as privilegedRequired, type CapabilityCheck } from '../privileged.js';
import { missingLlamaServer } from './testbed.js';

export const llamaRequired = (): boolean => process.env.VIGIL_REQUIRE_LLAMA_SERVER === '1';

type Body = () => Promise<void> | void;

function define(name: string, missing: { why: string; required: boolean; variable: string }[], fn: Body, timeout?: number): void {
  if (missing.length === 0) {
    it(name, fn, timeout);
    return;
  }
  const enforced = missing.filter((m) => m.required);
  const why = missing.map((m) => m.why).join('; ');
  if (enforced.length) {
    it(name, () => {
      throw new Error(`${enforced.map((m) => `${m.variable}=1`).join(' and ')} but: ${why}`);
    });
  } else {
    console.warn(`[skip] ${name}: ${why}`);
    it.skip(`${name} — skipped: ${why}`, fn);
  }
}

/** `it` with the real llama-server. */
export function itLlama(name: string, fn: Body, timeout?: number): void {
  const llama = missingLlamaServer();
  define(name, llama ? [{ why: llama, required: llamaRequired(), variable: 'VIGIL_REQUIRE_LLAMA_SERVER' }] : [], fn, timeout);
}

/** `it` with the real llama-server and a privileged capability (see test-support/privileged.ts). */
export function itLlamaPrivileged(name: string, check: CapabilityCheck, fn: Body, timeout?: number): void {
  const llama = missingLlamaServer();
  const priv = check();
  define(
    name,
    [
      ...(llama ? [{ why: llama, required: llamaRequired(), variable: 'VIGIL_REQUIRE_LLAMA_SERVER' }] : []),
      ...(priv ? [{ why: priv, required: privilegedRequired(), variable: 'VIGIL_REQUIRE_PRIVILEGED_TESTS' }] : []),
    ],
    fn,
    timeout,
  );
}
