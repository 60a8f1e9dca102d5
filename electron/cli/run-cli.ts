// `vigil` subcommands. Returns the exit code; only `serve` keeps running
// (until SIGINT/SIGTERM). Bad flags give one clear line and exit code 2.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatConfigIssue } from '../common/format.js';
import { importLlamaSwap, importReport } from '../core/config/index.js';
import { lineLogger } from '../core/diagnostics.js';
import { runOomScan } from './oom-scan.js';
import { resolveConfigPath, resolveStateDir } from '../core/paths.js';
import { createVigil, InstanceLockedError, lockedBy } from '../core/vigil.js';
import { checkPortFree, checkServerOptions, ServerConfigError, startServer } from '../serve/server.js';
import { runFit } from './fit-command.js';
import { DEFAULT_SERVICE_PORT, enableService, UNIT_NAME, writeService } from './install-service.js';
import { binPath, defaultRendererDir, packageVersion } from './paths.js';

export interface CliIo {
  stdin: NodeJS.ReadableStream;
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  stopSignal(): Promise<string>;
}

export const HELP = `usage: vigil <command> [options]

commands:
  serve [--config P] [--host H] [--port N] [--token T] [--allow-remote] [--state-dir D] [--open]
        run the monitor headless and serve the dashboard, REST API (/api/…) and
        Prometheus metrics (/metrics, needs 'Authorization: Bearer <token>');
        the token is --token, else $VIGIL_TOKEN, else random
  oom-scan [FILE|-] [--json]
        list OOM kills found in a saved kernel log / dmesg / journalctl output
  import-llama-swap SRC [DEST]
        write a Vigil config from a llama-swap config (DEST defaults to the Vigil config path)
  install-service [--port N] [--config P] [--enable]
        write a systemd user unit that runs 'vigil serve' at login (with a stable token);
        --enable also runs systemctl --user daemon-reload and enable --now
  fit MODEL.gguf [llama-server flags…] [--memory-limit SIZE] [--json]
  fit --backend ID [--config P] [--json]
        will it fit? llama-server's predicted memory and the verdict for this machine

  --help, -h       this text
  --version, -v    print the version
`;

class UsageError extends Error {}

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals: boolean) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    // node's messages are already one line ("Unknown option '--x'…"); keep the first sentence.
    throw new UsageError((e as Error).message.split('. ')[0] ?? (e as Error).message);
  }
}

function parsePort(v: string | undefined): number {
  if (v === undefined) return 0;
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UsageError(`--port: '${v}' is not a port number (0-65535)`);
  return Number(v);
}

async function serve(args: string[], io: CliIo): Promise<number> {
  const { values } = parse(args, {
    config: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    token: { type: 'string' },
    'allow-remote': { type: 'boolean' },
    'state-dir': { type: 'string' },
    open: { type: 'boolean' },
  }, false);
  const port = parsePort(values.port);
  const log = (m: string): void => void io.stderr.write(`vigil: ${m}\n`);
  const configPath = values.config ? path.resolve(values.config) : resolveConfigPath([], io.env);
  const stateDir = values['state-dir'] ? path.resolve(values['state-dir']) : resolveStateDir(io.env);

  // Refuse bad binds before the core starts any backend; another Vigil on this state directory first (it may be what holds the port).
  const bind = { host: values.host ?? '127.0.0.1', token: values.token ?? io.env.VIGIL_TOKEN, allowRemote: values['allow-remote'] ?? false };
  checkServerOptions(bind);
  const holder = await lockedBy(stateDir);
  if (holder) throw holder;
  await checkPortFree(bind.host, port);
  const core = await createVigil({ configPath, stateDir, host: 'serve', logger: lineLogger((line) => io.stderr.write(line)) });
  let server;
  try {
    server = await startServer({
      service: core, host: values.host, port, token: values.token ?? io.env.VIGIL_TOKEN, allowRemote: values['allow-remote'] ?? false,
      rendererDir: defaultRendererDir(io.env), log,
    });
  } catch (e) {
    await core.shutdown();
    throw e;
  }
  core.setDashboardUrl(server.url);
  io.stdout.write(`Vigil dashboard: ${server.url}\n`);
  for (const err of core.getState().config.errors) log(`config: ${formatConfigIssue(err)}`);
  if (values.open) openBrowser(server.url, io.env, log);

  const sig = await io.stopSignal();
  log(`${sig}: stopping backends…`);
  await core.shutdown((m) => log(m));
  await server.close();
  return 0;
}

/** xdg-open only where a desktop session exists; detached so Vigil does not wait for the browser. */
export function openBrowser(url: string, env: NodeJS.ProcessEnv, log: (m: string) => void): void {
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) {
    log('no DISPLAY/WAYLAND_DISPLAY: open the URL above in a browser');
    return;
  }
  const child = spawn('xdg-open', [url], { detached: true, stdio: 'ignore' });
  child.on('error', (e) => log(`cannot run xdg-open: ${e.message}`));
  child.unref();
}

function installServiceCmd(args: string[], io: CliIo): number {
  const { values } = parse(args, { port: { type: 'string' }, config: { type: 'string' }, enable: { type: 'boolean' } }, false);
  const port = values.port === undefined ? DEFAULT_SERVICE_PORT : parsePort(values.port);
  if (port === 0) throw new UsageError('install-service: --port must be a fixed port (the dashboard URL and Prometheus need one)');
  const r = writeService(io.env, { cli: binPath(), port, ...(values.config ? { config: path.resolve(values.config) } : {}) });
  io.stdout.write(`wrote ${r.unitPath}\ntoken in ${r.envFile} (mode 600)\ndashboard: ${r.url}\n`);
  if (!values.enable) {
    io.stdout.write(`start it with: systemctl --user daemon-reload && systemctl --user enable --now ${UNIT_NAME}\n`);
    return 0;
  }
  const err = enableService();
  if (err) {
    io.stderr.write(`vigil: ${err}\n`);
    return 1;
  }
  io.stdout.write(`${UNIT_NAME} enabled and started\n`);
  return 0;
}

async function importCmd(args: string[], io: CliIo): Promise<number> {
  const { positionals } = parse(args, {}, true);
  const [src, dest, extra] = positionals;
  if (!src) throw new UsageError('import-llama-swap: missing SRC (the llama-swap config file)');
  if (extra) throw new UsageError(`import-llama-swap: unexpected argument '${extra}'`);
  const target = dest ? path.resolve(dest) : resolveConfigPath([], io.env);
  const r = await importLlamaSwap(path.resolve(src), target);
  if (!r.ok) {
    for (const i of r.issues) io.stderr.write(`vigil import-llama-swap: ${formatConfigIssue(i)}\n`);
    return 1;
  }
  io.stdout.write(`wrote ${r.dest} with ${r.backends.length} backend(s): ${r.backends.join(', ')}\n`);
  if (r.notes.length) io.stdout.write(`from ${r.notes[0]!.file}:\n${importReport(r.notes).join('\n')}\n`);
  return 0;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(HELP);
        return cmd === undefined ? 2 : 0;
      case '--version':
      case '-v':
        io.stdout.write(`vigil ${packageVersion()}\n`);
        return 0;
      case 'serve':
        if (rest.includes('--help') || rest.includes('-h')) {
          io.stdout.write(HELP);
          return 0;
        }
        return await serve(rest, io);
      case 'oom-scan':
        return await runOomScan(rest, { stdin: io.stdin, stdout: io.stdout, stderr: io.stderr, readFile: (p) => readFile(p, 'utf8') });
      case 'import-llama-swap':
        return await importCmd(rest, io);
      case 'install-service':
        return installServiceCmd(rest, io);
      case 'fit':
        return await runFit(rest, io);
      default:
        throw new UsageError(`unknown command '${cmd}' (try vigil --help)`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`vigil: ${e.message}\n`);
      return 2;
    }
    // Another Vigil on this state directory: the message names its pid and dashboard.
    if (e instanceof ServerConfigError || e instanceof InstanceLockedError) {
      io.stderr.write(`vigil: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
