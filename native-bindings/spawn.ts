// posix_spawnp through koffi: Vigil becomes the only reaper of its backends
// (libuv never sees them), so zombies are real and exit statuses are ours.
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import path from 'node:path';
import * as c from './libc.js';
import { readStartTime } from './procfs.js';
import type { SpawnOptions, SpawnResult, Stdio } from './types.js';

/** The program could not be started; `.code` is the errno name (ENOENT, EACCES, …), `.path` what was tried. */
export class SpawnError extends Error {
  readonly code: string;
  readonly path: string;
  readonly errno: number | null;
  constructor(code: string, filePath: string, message: string, errnoValue: number | null = null) {
    super(message);
    this.name = 'SpawnError';
    this.code = code;
    this.path = filePath;
    this.errno = errnoValue;
  }
}

function checkExecutable(p: string): 'ok' | 'ENOENT' | 'EACCES' {
  try {
    // execve refuses directories with EACCES; access(X_OK) alone says yes to them.
    if (!statSync(p).isFile()) return 'EACCES';
  } catch {
    return 'ENOENT';
  }
  try {
    accessSync(p, fsConstants.X_OK);
    return 'ok';
  } catch {
    return 'EACCES';
  }
}

/**
 * Resolve like execvp: a name with '/' is used as is; a bare name is searched
 * in PATH (the child's env PATH when given, else ours). EACCES wins over
 * ENOENT when some candidate exists but is not executable, as execvp does.
 */
export function resolveProgram(file: string, env: Record<string, string | undefined>): string {
  if (file === '') throw new SpawnError('ENOENT', file, 'spawn: empty program name');
  if (file.includes('/')) {
    const r = checkExecutable(file);
    if (r !== 'ok') throw new SpawnError(r, file, `spawn ${file}: ${r === 'ENOENT' ? 'no such file' : 'not executable (or a directory)'}`);
    return file;
  }
  const searchPath = env.PATH ?? process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  let sawEacces: string | null = null;
  for (const dir of searchPath.split(':')) {
    const candidate = path.join(dir || '.', file);
    const r = checkExecutable(candidate);
    if (r === 'ok') return candidate;
    if (r === 'EACCES' && sawEacces === null) sawEacces = candidate;
  }
  if (sawEacces !== null) throw new SpawnError('EACCES', sawEacces, `spawn ${file}: found ${sawEacces} but it is not executable`);
  throw new SpawnError('ENOENT', file, `spawn ${file}: not found in PATH (${searchPath})`);
}

function check(ret: number, what: string): void {
  // posix_spawn* helpers return the error number directly (not -1/errno).
  if (ret !== 0) throw new c.LibcError(what, ret);
}

interface Pipe { read: number; write: number }

function makePipe(): Pipe {
  const fds = Buffer.alloc(8);
  // Both ends close-on-exec: the child gets the write end only through dup2,
  // which clears the flag on the new descriptor.
  if (c.pipe2(fds, c.O_CLOEXEC) !== 0) throw new c.LibcError('pipe2', c.errno());
  const p = { read: fds.readInt32LE(0), write: fds.readInt32LE(4) };
  // Only our read end is non-blocking; a non-blocking write end would make the child's writes fail with EAGAIN.
  const fl = c.fcntl3(p.read, c.F_GETFL, 0);
  if (fl < 0 || c.fcntl3(p.read, c.F_SETFL, fl | c.O_NONBLOCK) !== 0) {
    const e = c.errno();
    c.close(p.read);
    c.close(p.write);
    throw new c.LibcError('fcntl(F_SETFL, O_NONBLOCK)', e);
  }
  return p;
}

// stderr shares stdout's descriptor when omitted or naming the same file (one
// open file description keeps the two streams in write order). Two explicit
// pipes are two pipes.
const mergeStderr = (out: Stdio, err: Stdio | undefined): boolean =>
  err === undefined || (out.kind === 'file' && err.kind === 'file' && path.resolve(out.path) === path.resolve(err.path));

/** Start a program in its own session. Throws SpawnError (can't start) or LibcError (setup failed). */
export function spawnProcess(opts: SpawnOptions): SpawnResult {
  const env = opts.env ?? process.env;
  const program = resolveProgram(opts.file, env);
  const argv = opts.argv ?? [opts.file];
  if (argv.length === 0) throw new SpawnError('EINVAL', opts.file, 'spawn: argv must contain at least argv[0]');
  for (const [i, a] of argv.entries()) {
    if (typeof a !== 'string' || a.includes('\0')) throw new SpawnError('EINVAL', opts.file, `spawn: argv[${i}] must be a string without NUL bytes`);
  }
  const envp: (string | null)[] = [];
  for (const [k, v] of Object.entries(env)) if (v !== undefined) envp.push(`${k}=${v}`);
  envp.push(null);
  if (opts.cwd !== undefined) {
    try {
      if (!statSync(opts.cwd).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      throw new SpawnError('ENOENT', opts.cwd, `spawn ${opts.file}: cwd ${opts.cwd} is not a usable directory (${(e as Error).message})`);
    }
  }
  const stdout: Stdio = opts.stdout ?? { kind: 'null' };
  const stderr: Stdio = opts.stderr ?? stdout;
  const merged = mergeStderr(stdout, opts.stderr);

  const fa = Buffer.alloc(c.FILE_ACTIONS_SIZE);
  const attr = Buffer.alloc(c.SPAWNATTR_SIZE);
  const pipes: Pipe[] = [];
  check(c.fa_init(fa), 'posix_spawn_file_actions_init');
  let attrReady = false;
  try {
    check(c.attr_init(attr), 'posix_spawnattr_init');
    attrReady = true;
    const empty = Buffer.alloc(c.SIGSET_SIZE);
    const full = Buffer.alloc(c.SIGSET_SIZE);
    c.sigemptyset(empty);
    // Every bit set by hand, not sigfillset: glibc's set leaves out its internal
    // signals 32/33, and posix_spawn then hands them to the child as SIG_IGN,
    // which survives exec.
    full.fill(0xff);
    // Node blocks/handles signals in its threads: the child starts with none blocked and every disposition default.
    check(c.attr_setsigmask(attr, empty), 'posix_spawnattr_setsigmask');
    check(c.attr_setsigdefault(attr, full), 'posix_spawnattr_setsigdefault');
    check(c.attr_setflags(attr, c.POSIX_SPAWN_SETSID | c.POSIX_SPAWN_SETSIGMASK | c.POSIX_SPAWN_SETSIGDEF), 'posix_spawnattr_setflags');

    check(c.fa_addopen(fa, 0, '/dev/null', c.O_RDONLY, 0), 'posix_spawn_file_actions_addopen(stdin)');
    const wire = (fd: 1 | 2, s: Stdio): Pipe | null => {
      if (s.kind === 'file') {
        check(c.fa_addopen(fa, fd, s.path, c.O_WRONLY | c.O_APPEND | c.O_CREAT, 0o644), `posix_spawn_file_actions_addopen(${s.path})`);
        return null;
      }
      if (s.kind === 'null') {
        check(c.fa_addopen(fa, fd, '/dev/null', c.O_WRONLY, 0), 'posix_spawn_file_actions_addopen(/dev/null)');
        return null;
      }
      const p = makePipe();
      pipes.push(p);
      check(c.fa_adddup2(fa, p.write, fd), 'posix_spawn_file_actions_adddup2');
      return p;
    };
    const outPipe = wire(1, stdout);
    let errPipe: Pipe | null = null;
    if (merged) check(c.fa_adddup2(fa, 1, 2), 'posix_spawn_file_actions_adddup2(1→2)');
    else errPipe = wire(2, stderr);
    // Descriptors Node or a host opened without O_CLOEXEC (e.g. a fork IPC channel) must not leak into backends.
    if (c.fa_addclosefrom_np) check(c.fa_addclosefrom_np(fa, 3), 'posix_spawn_file_actions_addclosefrom_np');
    if (opts.cwd !== undefined) check(c.fa_addchdir_np(fa, opts.cwd), 'posix_spawn_file_actions_addchdir_np');

    const pidOut = [0];
    const ret = c.posix_spawnp(pidOut, program, fa, attr, [...argv, null], envp);
    if (ret !== 0) {
      // glibc (clone+exec with CLONE_VFORK) reports the child's exec/file-action errno here.
      const code = c.errnoName(ret);
      throw new SpawnError(code, program, `spawn ${program}: ${code} (errno ${ret}) from posix_spawnp`, ret);
    }
    const pid = pidOut[0]!;
    // The child has exec'd (vfork semantics) and is unreaped, so its pid cannot be recycled yet.
    const pidfd = c.pidfd_open(pid);
    const startTime = readStartTime(pid) ?? 0;
    for (const p of pipes) c.close(p.write);
    pipes.length = 0;
    return {
      handle: { pid, pidfd: pidfd >= 0 ? pidfd : -1, startTime, pgid: pid, isChild: true },
      stdoutFd: outPipe?.read ?? null,
      stderrFd: errPipe?.read ?? null,
    };
  } finally {
    c.fa_destroy(fa);
    if (attrReady) c.attr_destroy(attr);
    // On failure both ends of every pipe are still ours to close.
    for (const p of pipes) {
      c.close(p.read);
      c.close(p.write);
    }
  }
}
