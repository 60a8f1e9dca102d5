// An "app" that uses genai-electron's LlamaServerManager as an Electron app
// would (run with `node --import ./register.mjs`): it registers a model,
// starts llama-server through the manager, prints one JSON line per status
// change and event, and answers `status` on stdin with the manager's own
// account. The binary is the test bed's (argv[2]); the model file argv[3].
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const [binary, modelFile, portArg] = process.argv.slice(2);
const userData = process.env.VIGIL_GENAI_USERDATA;
const say = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);

// Its binary folder holds the test bed's llama-server, validated as genai-electron records it (no download).
const { LlamaServerManager } = await import('genai-electron');
const bins = path.join(userData, 'binaries', 'llama');
mkdirSync(bins, { recursive: true });
symlinkSync(binary, path.join(bins, 'llama-server'));
// The release its binary manager expects (a different one is downloaded again, which cannot happen here).
const defaultsFile = new URL('./config/defaults.js', import.meta.resolve('genai-electron'));
const version = /llamaServer:\s*\{\s*version:\s*'([^']+)'/.exec(readFileSync(defaultsFile, 'utf8'))?.[1];
if (!version) throw new Error(`no llamaServer version in ${defaultsFile}`);
const checksum = createHash('sha256').update(readFileSync(binary)).digest('hex');
writeFileSync(path.join(bins, '.validation.json'), JSON.stringify({ variant: 'cpu', checksum, validatedAt: new Date().toISOString(), phase1Passed: true, version }));

// Its model store: the metadata file genai-electron writes after a download, pointing at the test bed's model.
const models = path.join(userData, 'models', 'llm');
mkdirSync(models, { recursive: true });
writeFileSync(
  path.join(models, 'tiny.json'),
  JSON.stringify({ id: 'tiny', name: 'tiny', type: 'llm', size: statSync(modelFile).size, path: modelFile, downloadedAt: new Date().toISOString(), source: { type: 'url', url: 'file://' + modelFile } }),
);

const manager = new LlamaServerManager();
for (const e of ['started', 'ready', 'stopped', 'crashed', 'restarted']) manager.on(e, () => say({ event: e, status: manager.getStatus() }));
const rl = createInterface({ input: process.stdin });
rl.on('line', async (line) => {
  if (line === 'status') say({ status: manager.getStatus(), info: manager.getInfo?.() ?? null });
  if (line === 'stop') {
    await manager.stop().catch((e) => say({ error: String(e) }));
    process.exit(0);
  }
});
try {
  const info = await manager.start({ modelId: 'tiny', port: Number(portArg), contextSize: 512, threads: 1, parallelRequests: 1 });
  say({ started: true, status: manager.getStatus(), pid: info.pid ?? manager.getInfo?.().pid ?? null });
} catch (e) {
  say({ error: String(e?.stack ?? e) });
  process.exit(1);
}
