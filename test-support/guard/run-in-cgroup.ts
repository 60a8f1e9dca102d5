// Runs a Vigil core inside a memory cgroup (the squeeze runs' "machine"):
// moves itself into <cgroup> first, so everything it starts — the backends'
// own cgroups included, beneath it — is under that limit. Prints
// EVENT <json> for each event and OOM <json> for each OOM-timeline entry as
// they come, READY once the core runs. Stops on SIGTERM.
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [cgroup, configPath, stateDir] = process.argv.slice(2);
if (!cgroup || !configPath || !stateDir) {
  console.error('usage: run-in-cgroup.ts <cgroup dir> <config.yaml> <stateDir>');
  process.exit(2);
}
writeFileSync(path.join(cgroup, 'cgroup.procs'), `${process.pid}\n`);
const { createVigil } = await import('../../electron/core/vigil.js');
const core = await createVigil({ configPath, stateDir, journalctl: null });
const seenEvents = new Set<number>();
const seenOoms = new Set<string>();
const out = (line: string): void => {
  appendFileSync(1, `${line}\n`);
};
core.subscribe((s) => {
  for (const e of s.events) {
    if (seenEvents.has(e.seq)) continue;
    seenEvents.add(e.seq);
    out(`EVENT ${JSON.stringify(e)}`);
  }
  for (const k of s.ooms) {
    if (seenOoms.has(k.id)) continue;
    seenOoms.add(k.id);
    out(`OOM ${JSON.stringify(k)}`);
  }
  out(`STATE ${JSON.stringify(s.backends.map((b) => ({ id: b.id, status: b.status, pid: b.pid, oomScoreAdj: b.oomScoreAdj, cgroup: b.cgroup, shed: b.shed })))}`);
});
out('READY');
process.on('SIGTERM', () => void core.shutdown().then(() => process.exit(0)));
