// What /proc says about one process beyond its stat (stat.ts): command line,
// executable, owner, systemd unit and memory cgroup, and its listening TCP
// sockets. Every reader answers null for a process that is gone; a process
// of another user whose fds cannot be read answers 'denied'.
import { closeSync, lstatSync, readSync, readdirSync, readlinkSync } from 'node:fs';
import { listeningTcp } from '../../../native-bindings/sock-diag.js';
import { ReadFailure, errnoOf, openSmall, readParse, readSmall } from './read.js';

const splitCmdline = (b: Buffer, n: number): string[] => {
  if (n === 0) return [];
  // Arguments are NUL-terminated; a process that rewrote its title may use spaces only.
  const text = b.toString('utf8', 0, b[n - 1] === 0 ? n - 1 : n);
  return text.split('\0');
};

/** argv from /proc/<pid>/cmdline; [] for kernel threads and zombies; null when gone. */
export function readCmdline(procRoot: string, pid: number): string[] | null {
  return readParse(`${procRoot}/${pid}/cmdline`, splitCmdline);
}

/** A /proc/<pid>/<link> symlink's target; null when gone or not ours to read (EACCES). */
export function readLink(procRoot: string, pid: number, link: 'exe' | 'cwd'): string | null {
  try {
    return readlinkSync(`${procRoot}/${pid}/${link}`);
  } catch {
    return null;
  }
}

/** Owner uid of the process (the owner of its /proc directory); null when gone. */
export function readUid(procRoot: string, pid: number): number | null {
  try {
    return lstatSync(`${procRoot}/${pid}`).uid;
  } catch {
    return null;
  }
}

export interface CgroupInfo {
  /** The systemd service it runs in, if any. */
  unit: { name: string; scope: 'system' | 'user'; uid: number | null } | null;
  /** Path in the memory hierarchy (v1 `memory` line, else the unified `0::` line), as the kernel prints it. */
  memcg: string | null;
}

/**
 * Unit and memory cgroup from /proc/<pid>/cgroup. A process in
 * `…/system.slice/ollama.service` runs in that system unit; one in
 * `…/user@1000.service/app.slice/llama.service` in the user unit of uid
 * 1000. Scopes (a terminal's session-2.scope, app-…scope) are not units
 * Vigil can restart, so they give none.
 */
export function parseCgroup(text: string): CgroupInfo {
  let unified: string | null = null;
  let memory: string | null = null;
  let systemd: string | null = null;
  for (const line of text.split('\n')) {
    const m = /^\d+:([^:]*):(.*)$/.exec(line);
    if (!m) continue;
    const [, ctrls, p] = m as unknown as [string, string, string];
    if (ctrls === '') unified = p;
    else if (ctrls.split(',').includes('memory')) memory = p;
    else if (ctrls === 'name=systemd') systemd = p;
  }
  const where = systemd ?? unified ?? memory ?? '';
  return { unit: unitOf(where), memcg: memory ?? unified };
}

function unitOf(cgroupPath: string): CgroupInfo['unit'] {
  const parts = cgroupPath.split('/').filter(Boolean);
  const userIdx = parts.findIndex((p) => /^user@\d+\.service$/.test(p));
  const searchFrom = userIdx >= 0 ? userIdx + 1 : 0;
  for (let i = parts.length - 1; i >= searchFrom; i--) {
    const p = parts[i]!;
    if (!p.endsWith('.service')) continue;
    if (userIdx >= 0) return { name: p, scope: 'user', uid: Number(/^user@(\d+)/.exec(parts[userIdx]!)![1]) };
    return { name: p, scope: 'system', uid: null };
  }
  return null;
}

export function readCgroup(procRoot: string, pid: number): CgroupInfo | null {
  const text = readSmall(`${procRoot}/${pid}/cgroup`);
  return text === null ? null : parseCgroup(text);
}

/** Inodes of the process's sockets (from its fd links); 'denied' when its fds are not ours to read; null when gone. */
export function socketInodes(procRoot: string, pid: number): Set<number> | 'denied' | null {
  const dir = `${procRoot}/${pid}/fd`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    const code = errnoOf(e);
    return code === 'EACCES' || code === 'EPERM' ? 'denied' : null;
  }
  const out = new Set<number>();
  for (const n of names) {
    let target: string;
    try {
      target = readlinkSync(`${dir}/${n}`);
    } catch {
      continue; // closed meanwhile
    }
    if (target.startsWith('socket:[')) out.add(Number(target.slice(8, -1)));
  }
  return out;
}

export interface ListenSocket {
  host: string;
  port: number;
  inode: number;
  uid: number;
}

function hexToIpv4(hex: string): string {
  // /proc/net/tcp prints the address as the host-order u32 of network bytes: little-endian here.
  const n = Number.parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
}

function hexToIpv6(hex: string): string {
  const words: string[] = [];
  for (let i = 0; i < 32; i += 8) {
    const w = hex.slice(i, i + 8);
    // Each 32-bit word is printed in host (little-endian) order.
    const bytes = [w.slice(6, 8), w.slice(4, 6), w.slice(2, 4), w.slice(0, 2)];
    words.push(`${bytes[0]}${bytes[1]}`, `${bytes[2]}${bytes[3]}`);
  }
  const groups = words.map((g) => Number.parseInt(g, 16).toString(16));
  if (groups.slice(0, 5).every((g) => g === '0') && groups[5] === 'ffff') return `::ffff:${hexToIpv4(hex.slice(24))}`;
  // Shorten the longest run of zero groups.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Rows of /proc/net/tcp{,6} text into `out` (LISTEN only); true once a row in another state than LISTEN or SYN_RECV shows the listeners are all printed. */
function scanRows(text: string, v6: boolean, out: ListenSocket[]): boolean {
  let past = false;
  for (const line of text.split('\n')) {
    // "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode"
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || !/^[0-9A-F]{2}$/.test(f[3]!)) continue;
    if (f[3] !== '0A') {
      // Kernels before 4.4 print a listener's pending SYN_RECV requests right after it.
      if (f[3] !== '03') past = true;
      continue;
    }
    const [addr, portHex] = f[1]!.split(':') as [string, string];
    const inode = Number(f[9]);
    if (!portHex || !Number.isFinite(inode)) continue;
    out.push({ host: v6 ? hexToIpv6(addr) : hexToIpv4(addr), port: Number.parseInt(portHex, 16), inode, uid: Number(f[7]) });
  }
  return past;
}

/** LISTEN sockets (state 0A) of /proc/net/tcp or tcp6 text. */
export function parseListening(text: string, v6: boolean): ListenSocket[] {
  const out: ListenSocket[] = [];
  scanRows(text, v6, out);
  return out;
}

let tableBuf: Buffer | null = null;

/**
 * The LISTEN rows of one TCP table; null when it does not exist. The table
 * is a seq_file that hands out about a page of whole rows per read(), so a
 * short read is not its end. The kernel prints its listening hash before
 * the established one (tcp_get_idx), so reading stops after the first read
 * that shows another state: by then every listener is printed, and the
 * machine's connections (thousands on a busy host, ~20 ms to print) are not.
 */
export function readListenTable(file: string, v6: boolean): ListenSocket[] | null {
  const fd = openSmall(file);
  if (fd === null) return null;
  tableBuf ??= Buffer.alloc(64 * 1024);
  const out: ListenSocket[] = [];
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, tableBuf, 0, tableBuf.length, null);
      if (n === 0) break;
      const text = rest + tableBuf.toString('latin1', 0, n);
      const cut = text.lastIndexOf('\n') + 1;
      rest = text.slice(cut);
      if (scanRows(text.slice(0, cut), v6, out)) return out;
    }
    scanRows(rest, v6, out);
    return out;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT' || errnoOf(e) === 'ESRCH') return null;
    throw new ReadFailure(file, errnoOf(e), e);
  } finally {
    closeSync(fd);
  }
}

let ownNetNs: string | null | undefined;

/**
 * Listening sockets in the network namespace of `pid` (or of the reader,
 * with pid 'self'): from sock_diag for Vigil's own namespace (the kernel
 * walks only its listeners), else from that namespace's TCP tables (a
 * server in a container).
 */
export function readListening(procRoot: string, pid: number | 'self'): ListenSocket[] {
  if (procRoot === '/proc') {
    ownNetNs ??= netNamespace('/proc', 'self');
    if (pid === 'self' || (ownNetNs !== null && netNamespace(procRoot, pid) === ownNetNs)) {
      const diag = listeningTcp();
      if (diag) return diag.map(({ host, port, inode, uid }) => ({ host, port, inode, uid }));
    }
  }
  const out: ListenSocket[] = [];
  for (const v6 of [false, true]) out.push(...(readListenTable(`${procRoot}/${pid}/net/tcp${v6 ? '6' : ''}`, v6) ?? []));
  return out;
}

/** Network namespace id of the process ('net:[4026531840]'); null when not readable. */
export function netNamespace(procRoot: string, pid: number | 'self'): string | null {
  try {
    return readlinkSync(`${procRoot}/${pid}/ns/net`);
  } catch {
    return null;
  }
}

/** Parse /proc/<pid>/environ (NUL-separated KEY=VALUE); null when not readable. */
export function readEnviron(procRoot: string, pid: number): Record<string, string> | null {
  try {
    const text = readParse(`${procRoot}/${pid}/environ`, (b, n) => b.toString('utf8', 0, n));
    if (text === null) return null;
    const env: Record<string, string> = {};
    for (const kv of text.split('\0')) {
      const eq = kv.indexOf('=');
      if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    return env;
  } catch {
    return null; // EACCES: another user's process
  }
}
