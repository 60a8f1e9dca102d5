// Writes the event journal and running.json in a tight loop until killed: the
// "Vigil in the middle of its writes" of the crash-consistency test, which
// SIGKILLs it at random moments. Each turn appends one urgent (fsynced) event
// numbered `i`, then records `i` in running.json; every third turn also a
// batch of 2000 ordinary events flushed together: one write of ~600 KB, which
// the kernel cuts short when the kill lands inside it (a torn last line).
//   journal-hammer <stateDir> <round>   prints READY <lastSeq> once open
import { EventJournal } from '../electron/core/journal/event-journal.js';
import { RunningRegistry } from '../electron/core/supervisor/running-registry.js';

const [dir, round] = process.argv.slice(2);
if (!dir || !round) {
  console.error('usage: journal-hammer <stateDir> <round>');
  process.exit(2);
}
const journal = EventJournal.open(dir, { flushMs: 60_000, maxBytes: 4 * 1024 * 1024, keep: 3, onWarning: () => {} });
const registry = new RunningRegistry(dir);
registry.load();
process.stdout.write(`READY ${journal.lastSeq}\n`);
const pad = 'p'.repeat(200);
for (let i = 1; ; i++) {
  journal.append({ kind: 'exit', backend: 'hammer', reason: `round ${round} turn ${i}`, details: { round: Number(round), i, pad } });
  registry.set({ id: 'hammer', pid: process.pid, startTime: i, pgid: process.pid, port: null, logPath: null, command: [`round ${round}`, `turn ${i}`] });
  if (i % 3 === 0) {
    for (let k = 0; k < 2000; k++) journal.append({ kind: 'transition', backend: 'hammer', reason: `round ${round} turn ${i} batch ${k}`, details: { pad } });
    journal.flush();
  }
}
