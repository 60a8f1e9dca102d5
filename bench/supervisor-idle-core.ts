// The "Vigil process" of the idle-CPU benchmark: a real core (createVigil)
// over a config of N fake llama-servers probed every 2 s. Run as a child so
// its CPU time can be read from /proc/<pid>/stat without the bench harness
// or tsx start-up in the figure. Prints READY once every backend is ready;
// on SIGTERM stops them all and exits.
// The bench runs it bundled with plain node (as the app runs its built core):
// an idle node with the tsx loader alone costs ~1 % of a core here.
// usage: supervisor-idle-core.ts <stateDir> <count> <fake-llama-server.mjs>
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { stringify } from 'yaml';
import { createVigil } from '../electron/core/vigil.js';

const [stateDir, countArg, FAKE_SERVER] = process.argv.slice(2);
const count = Number(countArg);
if (!stateDir || !(count > 0) || !FAKE_SERVER) {
  console.error('usage: supervisor-idle-core.ts <stateDir> <count> <fake-llama-server.mjs>');
  process.exit(2);
}
const backends: Record<string, unknown> = {};
for (let i = 0; i < count; i++) {
  backends[`idle${i}`] = {
    cmd: [process.execPath, FAKE_SERVER, '--port', '${PORT}'],
    health: { interval: '2s', timeout: '1s' },
    restart: { policy: 'always' },
    stop: { grace: '3s' },
  };
}
const configPath = path.join(stateDir, 'config.yaml');
writeFileSync(configPath, stringify({ backends }));

const core = await createVigil({ configPath, stateDir, kmsgPath: null, journalctl: null });
// A host keeps a subscription open (it pushes snapshots to its window/sockets).
let snapshots = 0;
core.subscribe(() => void snapshots++);
const allReady = (): boolean => core.getState().backends.every((b) => b.status === 'ready');
const waitReady = setInterval(() => {
  if (!allReady()) return;
  clearInterval(waitReady);
  console.log('READY');
}, 100);
// The parent asks for the snapshot count on SIGUSR2 (how often a host would have pushed).
// With VIGIL_CPU_PROF=<file>, the measured window (first to second SIGUSR2) is also CPU-profiled.
const profFile = process.env.VIGIL_CPU_PROF;
const session = profFile ? new Session() : null;
let marks = 0;
process.on('SIGUSR2', () => {
  console.log(`SNAPSHOTS ${snapshots} ${allReady() ? 'ready' : 'not-ready'}`);
  if (!session || !profFile) return;
  if (marks++ === 0) {
    session.connect();
    session.post('Profiler.enable', () => session.post('Profiler.start'));
  } else {
    session.post('Profiler.stop', (err, r) => {
      if (!err) writeFileSync(profFile, JSON.stringify(r.profile));
    });
  }
});
process.on('SIGTERM', () => void core.shutdown().then(() => process.exit(0)));
