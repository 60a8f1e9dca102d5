#!/usr/bin/env node
// `vigil` on PATH: runs the built CLI. Building is a separate step so this
// stays a plain script with no TypeScript toolchain at run time.
import { existsSync } from 'node:fs';
import v8 from 'node:v8';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error(`vigil: ${cli} is missing: run npm run build first`);
  process.exit(1);
}
// `vigil serve` runs for days and its JS is mostly idle: V8's lite mode (no
// optimizing compilers, feedback allocated lazily) keeps about 10 MiB less
// resident for a little more CPU, as the systemd unit's --lite-mode does.
// Set before the CLI's code is loaded, so all of it is compiled that way
// (node's own start-up code is not; `node --lite-mode` covers that too);
// VIGIL_V8_DEFAULTS=1 keeps V8's defaults.
if (process.argv[2] === 'serve' && process.env.VIGIL_V8_DEFAULTS !== '1' && !process.execArgv.includes('--lite-mode')) v8.setFlagsFromString('--lite-mode');
await import(pathToFileURL(cli).href);
