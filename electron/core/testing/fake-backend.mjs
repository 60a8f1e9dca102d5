// Minimal stand-in for e2e/fixtures/fake-llama-server.mjs (same flags, subset),
// used by the supervisor tests only while that fixture is absent.
import { createServer } from 'node:http';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const has = (name) => args.includes(name);

const exitNow = flag('--exit-immediately');
if (exitNow !== undefined) process.exit(Number(exitNow));
if (has('--ignore-sigterm')) process.on('SIGTERM', () => console.log('ignoring SIGTERM'));

const port = Number(flag('--port') ?? 8080);
const loadMs = Number(flag('--load-ms') ?? 0);
const started = Date.now();
let hung = false;

const server = createServer((req, res) => {
  if (hung) return; // never answer
  if (req.url === '/health') {
    const loading = Date.now() - started < loadMs;
    res.writeHead(loading ? 503 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: loading ? 'loading model' : 'ok' }));
    return;
  }
  res.writeHead(404);
  res.end();
});
server.on('error', (e) => {
  if (e.code === 'EADDRINUSE') console.error(`error: couldn't bind HTTP server socket, port: ${port}: address already in use`);
  else console.error(String(e));
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => console.log(`listening on 127.0.0.1:${port}`));

const crashAfter = flag('--crash-after-ms');
if (crashAfter !== undefined) setTimeout(() => process.exit(Number(flag('--exit-code') ?? 1)), Number(crashAfter));
const hangAfter = flag('--hang-after-ms');
if (hangAfter !== undefined) setTimeout(() => { hung = true; }, Number(hangAfter));
