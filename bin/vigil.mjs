#!/usr/bin/env node
// `vigil` on PATH: runs the built CLI. Building is a separate step so this
// stays a plain script with no TypeScript toolchain at run time.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error(`vigil: ${cli} is missing: run npm run build first`);
  process.exit(1);
}
await import(pathToFileURL(cli).href);
