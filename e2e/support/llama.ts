// Playwright's side of the real llama-server test bed (see
// test-support/llama/testbed.ts; vitest's is it-llama.ts): a spec calls
// requireLlamaServer() first; it skips with the reason and the command that
// builds the test bed, or fails instead when VIGIL_REQUIRE_LLAMA_SERVER=1 (CI).
import path from 'node:path';
import { test } from '@playwright/test';
import { llamaServerPath, missingLlamaServer } from '../../test-support/llama/testbed.js';

/** Call at the top of a test body. Puts the built llama-server's folder first in PATH, so configs name it bare as users do. */
export function requireLlamaServer(): void {
  const missing = missingLlamaServer();
  if (missing !== null) {
    if (process.env.VIGIL_REQUIRE_LLAMA_SERVER === '1') throw new Error(`VIGIL_REQUIRE_LLAMA_SERVER=1 but: ${missing}`);
    console.warn(`[skip] real llama-server e2e: ${missing}`);
    test.skip(true, missing);
    return;
  }
  const dir = path.dirname(llamaServerPath().path!);
  if (!(process.env.PATH ?? '').split(':').includes(dir)) process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
}
