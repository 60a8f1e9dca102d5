// libc through koffi: the only file that loads the shared library. Every
// declaration here matches glibc's prototype on x86_64 and arm64 (LP64).
import koffi from 'koffi';
import { constants as osConstants } from 'node:os';

const libc = koffi.load('libc.so.6');

// Opaque glibc structs are passed as Buffers. Sizes on LP64 glibc:
// posix_spawn_file_actions_t 80, posix_spawnattr_t 336, sigset_t 128.
// Allocate generously so a future glibc growing them stays safe.
export const FILE_ACTIONS_SIZE = 256;
export const SPAWNATTR_SIZE = 1024;
export const SIGSET_SIZE = 256;
/** siginfo_t is 128 bytes on Linux on every architecture. */
export const SIGINFO_SIZE = 128;
// siginfo_t offsets on 64-bit Linux (verified by experiment: 3 ints, 4 bytes
// padding before the union, then pid, uid, status).
export const SI_SIGNO = 0;
export const SI_CODE = 8;
export const SI_PID = 16;
export const SI_STATUS = 24;

export const waitid = libc.func('int waitid(int idtype, uint32 id, void *infop, int options)') as (
  idtype: number, id: number, infop: Buffer, options: number) => number;
export const kill = libc.func('int kill(int pid, int sig)') as (pid: number, sig: number) => number;
export const close = libc.func('int close(int fd)') as (fd: number) => number;
export const pipe2 = libc.func('int pipe2(void *fds, int flags)') as (fds: Buffer, flags: number) => number;
const fcntlRaw = libc.func('int fcntl(int fd, int cmd, ...)');
export const fcntl3 = (fd: number, cmd: number, arg: number): number => fcntlRaw(fd, cmd, 'int', arg) as number;
const syscallRaw = libc.func('long syscall(long number, ...)');

export const sigemptyset = libc.func('int sigemptyset(void *set)') as (set: Buffer) => number;

export const posix_spawnp = libc.func(
  'int posix_spawnp(_Out_ int *pid, const char *file, void *fa, void *attr, const char **argv, const char **envp)',
) as (pidOut: number[], file: string, fa: Buffer, attr: Buffer, argv: (string | null)[], envp: (string | null)[]) => number;
export const fa_init = libc.func('int posix_spawn_file_actions_init(void *fa)') as (fa: Buffer) => number;
export const fa_destroy = libc.func('int posix_spawn_file_actions_destroy(void *fa)') as (fa: Buffer) => number;
export const fa_addopen = libc.func(
  'int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, uint32 mode)',
) as (fa: Buffer, fd: number, path: string, oflag: number, mode: number) => number;
export const fa_adddup2 = libc.func('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)') as (
  fa: Buffer, fd: number, newfd: number) => number;
export const fa_addclose = libc.func('int posix_spawn_file_actions_addclose(void *fa, int fd)') as (fa: Buffer, fd: number) => number;
export const fa_addchdir_np = libc.func('int posix_spawn_file_actions_addchdir_np(void *fa, const char *path)') as (
  fa: Buffer, path: string) => number;
// glibc ≥ 2.34; null where missing (then only O_CLOEXEC keeps our fds out of the child).
export const fa_addclosefrom_np = ((): ((fa: Buffer, from: number) => number) | null => {
  try {
    return libc.func('int posix_spawn_file_actions_addclosefrom_np(void *fa, int from)') as (fa: Buffer, from: number) => number;
  } catch {
    return null;
  }
})();
export const attr_init = libc.func('int posix_spawnattr_init(void *attr)') as (attr: Buffer) => number;
export const attr_destroy = libc.func('int posix_spawnattr_destroy(void *attr)') as (attr: Buffer) => number;
export const attr_setflags = libc.func('int posix_spawnattr_setflags(void *attr, short flags)') as (attr: Buffer, flags: number) => number;
export const attr_setsigmask = libc.func('int posix_spawnattr_setsigmask(void *attr, void *set)') as (attr: Buffer, set: Buffer) => number;
export const attr_setsigdefault = libc.func('int posix_spawnattr_setsigdefault(void *attr, void *set)') as (
  attr: Buffer, set: Buffer) => number;

// Syscall numbers are shared by x86_64 and arm64 (the new unified table).
const SYS_pidfd_send_signal = 424;
const SYS_pidfd_open = 434;

export const pidfd_open = (pid: number): number => Number(syscallRaw(SYS_pidfd_open, 'int', pid, 'uint', 0));
export const pidfd_send_signal = (pidfd: number, sig: number): number =>
  Number(syscallRaw(SYS_pidfd_send_signal, 'int', pidfd, 'int', sig, 'void *', null, 'uint', 0));

/** errno of the call that just returned -1. Read it immediately: any later FFI or libuv call may change it. */
export const errno = (): number => koffi.errno();

export const P_PID = 1;
export const P_PIDFD = 3;
export const WNOHANG = 1;
export const WEXITED = 4;
export const WNOWAIT = 0x01000000;
export const CLD_EXITED = 1;
export const CLD_KILLED = 2;
export const CLD_DUMPED = 3;
// O_* and flags are identical on x86_64 and arm64 (asm-generic values).
export const O_RDONLY = 0;
export const O_WRONLY = 1;
export const O_CREAT = 0o100;
export const O_APPEND = 0o2000;
export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;
export const F_GETFL = 3;
export const F_SETFL = 4;
export const POSIX_SPAWN_SETSIGDEF = 0x04;
export const POSIX_SPAWN_SETSIGMASK = 0x08;
export const POSIX_SPAWN_SETSID = 0x80;

const errnoNames = new Map<number, string>();
for (const [name, num] of Object.entries(osConstants.errno)) if (!errnoNames.has(num)) errnoNames.set(num, name);
export const errnoName = (n: number): string => errnoNames.get(n) ?? `E#${n}`;
export const ERRNO = osConstants.errno;

/** A libc call failed for a reason the caller should see (not an expected ESRCH/ECHILD). */
export class LibcError extends Error {
  readonly errno: number;
  readonly code: string;
  readonly syscall: string;
  constructor(syscall: string, errnoValue: number, detail?: string) {
    const code = errnoName(errnoValue);
    super(`${syscall} failed: ${code} (errno ${errnoValue})${detail ? `: ${detail}` : ''}`);
    this.name = 'LibcError';
    this.errno = errnoValue;
    this.code = code;
    this.syscall = syscall;
  }
}

export const eventfd = libc.func('int eventfd(uint32 initval, int flags)') as (initval: number, flags: number) => number;
export const EFD_NONBLOCK = 0o4000;
export const EFD_CLOEXEC = 0o2000000;

export const socket = libc.func('int socket(int domain, int type, int protocol)') as (domain: number, type: number, protocol: number) => number;
export const send = libc.func('long send(int fd, void *buf, size_t len, int flags)') as (fd: number, buf: Buffer, len: number, flags: number) => number;
export const recv = libc.func('long recv(int fd, _Out_ void *buf, size_t len, int flags)') as (fd: number, buf: Buffer, len: number, flags: number) => number;
export const bind = libc.func('int bind(int fd, void *addr, uint32 len)') as (fd: number, addr: Buffer, len: number) => number;
export const setsockopt = libc.func('int setsockopt(int fd, int level, int name, void *value, uint32 len)') as (fd: number, level: number, name: number, value: Buffer, len: number) => number;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const AF_NETLINK = 16;
export const SOCK_DGRAM = 2;
export const SOCK_NONBLOCK = 0o4000;
export const SOCK_CLOEXEC = 0o2000000;
