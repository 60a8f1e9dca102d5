// The "Vigil process" of the soak benchmark: the core (createVigil) and the
// headless host (HTTP, WebSocket bridge, REST, /metrics) in one process, as
// `vigil serve` runs them. The bench runs it bundled with plain node and
// --expose-gc, so the heap figures are live objects after a full GC rather
// than whatever garbage the last minute left.
//   soak-host <config.yaml> <stateDir>
// Prints `READY <port> <token>`; on SIGUSR2 collects garbage and prints
// `MEM <process.memoryUsage() as JSON>`; on SIGTERM stops every backend and exits.
import { createVigil } from '../electron/core/vigil.js';
import { startServer } from '../electron/serve/server.js';

const [configPath, stateDir] = process.argv.slice(2);
if (!configPath || !stateDir) {
  console.error('usage: soak-host <config.yaml> <stateDir>');
  process.exit(2);
}
const core = await createVigil({ configPath, stateDir });
const server = await startServer({ service: core, port: 0, rendererDir: stateDir, log: (m) => void process.stderr.write(`vigil: ${m}\n`) });
console.log(`READY ${server.port} ${server.token}`);

const gc = (globalThis as { gc?: () => void }).gc;
process.on('SIGUSR2', () => {
  gc?.();
  console.log(`MEM ${JSON.stringify(process.memoryUsage())}`);
});
process.on('SIGTERM', () => {
  void (async () => {
    await core.shutdown();
    await server.close();
    process.exit(0);
  })();
});
