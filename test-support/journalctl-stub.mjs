#!/usr/bin/env node
// Stand-in for journalctl where a test writes the journal: prints the JSON
// entries of the file named by $VIGIL_JOURNAL_STUB (one per line), honouring
// --after-cursor, -n and -f as journalctl does; with -f it follows the file,
// so a test can append a kill line while Vigil reads. Other arguments
// (matches, -b, -o json) are accepted and ignored.
import { readFileSync } from 'node:fs';

const file = process.env.VIGIL_JOURNAL_STUB;
if (!file) {
  process.stderr.write('journalctl-stub: set VIGIL_JOURNAL_STUB to the entries file\n');
  process.exit(1);
}
const args = process.argv.slice(2);
const read = () => readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
const cursorOf = (line) => JSON.parse(line).__CURSOR;

let entries = read();
let from = 0;
const after = args.indexOf('--after-cursor');
if (after >= 0) from = entries.findIndex((e) => cursorOf(e) === args[after + 1]) + 1;
if (args.includes('-n')) from = Math.max(from, entries.length - Number(args[args.indexOf('-n') + 1]));
for (const e of entries.slice(from)) process.stdout.write(e + '\n');
let printed = entries.length;
if (args.includes('-f')) {
  setInterval(() => {
    entries = read();
    for (const e of entries.slice(printed)) process.stdout.write(e + '\n');
    printed = entries.length;
  }, 50);
}
