// Prepares the real llama-server test bed before the tests run (.ci/run):
// builds llama-server (or reuses the cache), then generates every preset
// model (or reuses it). Says how long each step took.
//
//   node --import tsx test-support/llama/prepare.ts
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import { BUILD_SCRIPT, missingGenerator, model, PRESETS, type PresetName } from './testbed.js';

const t0 = Date.now();
const built = spawnSync('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
if (built.status !== 0) {
  console.error(`[llama] build failed (${built.status ?? built.signal}): see the output above`);
  process.exit(1);
}
console.log(`[llama] llama-server: ${built.stdout.trim()} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

const missing = missingGenerator();
if (missing) {
  console.error(`[llama] cannot generate models: ${missing}`);
  process.exit(1);
}
for (const name of Object.keys(PRESETS) as PresetName[]) {
  const t = Date.now();
  const file = await model(name);
  console.log(`[llama] model ${name}: ${path.basename(file)}, ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}
console.log(`[llama] test bed ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
