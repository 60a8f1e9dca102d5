// `startServer` over a fake service in a process of its own, for tests of
// what the headless host loads: prints `READY <port> <token>`, then for each
// line on stdin `LOADED <json>` naming which of its lazily loaded packages
// (prom-client, ws) are in the module cache.
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { startServer } from '../electron/serve/server.js';
import { backend, baseState, fakeService } from './fake-service.js';

const require = createRequire(import.meta.url);
const loaded = (pkg: string): boolean => Object.keys(require.cache).some((f) => f.includes(`/node_modules/${pkg}/`));
const srv = await startServer({ service: fakeService(baseState([backend('alpha')])), rendererDir: '/nonexistent' });
console.log(`READY ${srv.port} ${srv.token}`);
createInterface({ input: process.stdin }).on('line', () => console.log(`LOADED ${JSON.stringify({ 'prom-client': loaded('prom-client'), ws: loaded('ws') })}`));
