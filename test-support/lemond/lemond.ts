// Debian's lemond (lemonade-server, unstable) for tests, from the chroot that
// build-lemond-chroot.sh caches: run in a private mount namespace (so its
// /proc, /dev and the test bed's llama-server bind mounts vanish with it),
// with `llamacpp.backend: system` finding that llama-server on its PATH,
// `offline: true`, and the test bed's models imported through
// `extra_models_dir`. Its processes are ordinary processes of this machine:
// Vigil watches them as it would any lemond.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync, appendFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers.js';
import { llamaServerPath } from '../llama/testbed.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const LEMOND_BUILD_SCRIPT = path.join(here, 'build-lemond-chroot.sh');
export const LEMOND_BUILD_COMMAND = 'bash test-support/lemond/build-lemond-chroot.sh';
/** Set where Debian's unstable archive cannot install lemonade-server on the day: the lemond tests then skip and say so. CI does not set it. */
export const LEMOND_OPT_OUT = 'VIGIL_SKIP_LEMOND';

export const lemondRoot = (): string =>
  process.env.VIGIL_LEMOND_CACHE !== undefined
    ? path.join(process.env.VIGIL_LEMOND_CACHE, 'lemond-chroot')
    : path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'vigil-testbed', 'lemond-chroot');

/** Null when lemond can run here, else why not (the skip's reason, or — without the opt-out — the failure's). */
export function missingLemond(): string | null {
  const root = lemondRoot();
  if (process.getuid?.() !== 0) return 'lemond runs in a chroot: needs root';
  if (!existsSync(path.join(root, '.complete'))) {
    const failed = path.join(path.dirname(root), 'lemond-chroot.failed');
    const why = existsSync(failed) ? `; its last build failed (Debian unstable may be broken today):\n${readFileSync(failed, 'utf8').trim().split('\n').slice(-12).join('\n')}` : '';
    return `no lemond chroot in ${root}: run \`${LEMOND_BUILD_COMMAND}\` (~2.5 min once, Debian unstable's lemonade-server)${why}`;
  }
  return llamaServerPath().reason;
}

export interface Lemond {
  proc: ChildProcess;
  /** lemond's pid (the spawned process execs into it). */
  pid: number;
  port: number;
  url: string;
  /** Its log so far (stdout and stderr). */
  log(): string;
  stop(): Promise<void>;
}

export interface LemondOptions {
  port: number;
  /** Model files to import, by file name ('tiny.gguf' becomes a model of lemond's own naming). */
  models: Record<string, string>;
  /** Extra llama-server arguments for every load (`llamacpp.args`). */
  llamaArgs?: string;
  /** Its cgroup v1 memory `cgroup.procs`: it (and the servers it starts) run in that cgroup. */
  cgroupProcs?: string;
}

let runs = 0;

export async function startLemond(opts: LemondOptions): Promise<Lemond> {
  const root = lemondRoot();
  const bin = llamaServerPath().path;
  if (!bin) throw new Error(llamaServerPath().reason ?? 'no llama-server');
  const binDir = path.dirname(bin);
  // Inside the chroot; created from outside before it starts.
  const inner = `/tmp/vigil-lemond-${process.pid}-${++runs}`;
  const outer = path.join(root, inner);
  rmSync(outer, { recursive: true, force: true });
  for (const d of ['cache', 'config', 'xdg', 'models']) mkdirSync(path.join(outer, d), { recursive: true });
  for (const [name, file] of Object.entries(opts.models)) {
    try {
      linkSync(file, path.join(outer, 'models', name));
    } catch {
      copyFileSync(file, path.join(outer, 'models', name));
    }
  }
  writeFileSync(
    path.join(outer, 'config', 'config.json'),
    JSON.stringify({ offline: true, broadcast: false, auto_check_model_updates: false, extra_models_dir: `${inner}/models`, llamacpp: { backend: 'system', args: opts.llamaArgs ?? '' } }),
  );
  // The llama-server links its libraries by absolute rpath: bind its folder at the same path inside.
  mkdirSync(path.join(root, binDir), { recursive: true });
  const script = [
    'set -e',
    `mount -t proc proc "${root}/proc"`,
    `mount --bind /dev "${root}/dev"`,
    `mount --bind "${binDir}" "${root}${binDir}"`,
    ...(opts.cgroupProcs ? [`echo $$ > "${opts.cgroupProcs}"`] : []),
    `exec chroot "${root}" env -i PATH="${binDir}:/usr/bin:/bin" HOME=/root XDG_RUNTIME_DIR="${inner}/xdg" /usr/bin/lemond --port ${opts.port} --host 127.0.0.1 --log-file disabled "${inner}/cache" "${inner}/config"`,
  ].join('\n');
  const proc = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const logFile = path.join(outer, 'lemond.log');
  const keep = (d: Buffer): void => {
    log += d.toString();
    if (log.length > 1 << 20) log = log.slice(-(1 << 19));
    appendFileSync(logFile, d);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let exited = false;
  proc.on('exit', () => (exited = true));
  const url = `http://127.0.0.1:${opts.port}`;
  try {
    await waitFor(async () => {
      if (exited) throw new Error(`lemond exited at start:\n${log.slice(-3000)}`);
      try {
        return (await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(1000) })).ok;
      } catch {
        return false;
      }
    }, 30_000, `lemond answering on port ${opts.port}`, 100);
  } catch (e) {
    proc.kill('SIGKILL');
    throw e;
  }
  return {
    proc,
    pid: proc.pid!,
    port: opts.port,
    url,
    log: () => log,
    async stop() {
      if (exited) return;
      proc.kill('SIGTERM');
      await waitFor(() => exited, 10_000, 'lemond to exit', 50).catch(() => proc.kill('SIGKILL'));
      rmSync(outer, { recursive: true, force: true });
    },
  };
}

/** POST to lemond's API; its JSON answer (or its error's). */
export async function lemondPost(l: Lemond, route: string, body: unknown, timeoutMs = 60_000): Promise<{ status: number; json: unknown }> {
  const r = await fetch(`${l.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  const text = await r.text();
  try {
    return { status: r.status, json: JSON.parse(text) as unknown };
  } catch {
    return { status: r.status, json: { text } };
  }
}
