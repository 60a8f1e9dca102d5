// Listening TCP sockets from the kernel's sock_diag interface (netlink,
// NETLINK_SOCK_DIAG; what `ss -ltn` asks). With a LISTEN-only state mask
// the kernel walks only its listening hash, so the answer costs the same
// however many connections the machine holds, where /proc/net/tcp6 walks
// every socket of the machine to print the IPv6 ones (milliseconds on a
// busy host, for every read). It answers for the caller's own network
// namespace only.
import * as c from './libc.js';

export interface DiagListener {
  family: 4 | 6;
  /** Address as bound, printed like /proc/net/tcp's readers do ('0.0.0.0', '::1', '::ffff:127.0.0.1'). */
  host: string;
  port: number;
  uid: number;
  inode: number;
}

const NETLINK_SOCK_DIAG = 4;
const SOCK_DIAG_BY_FAMILY = 20;
const NLMSG_ERROR = 2;
const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const IPPROTO_TCP = 6;
const TCP_LISTEN = 10;
const NLMSG_HDRLEN = 16;
/** struct inet_diag_req_v2: family, protocol, ext, pad, states (u32), inet_diag_sockid (48). */
const REQ_LEN = NLMSG_HDRLEN + 56;
/** struct inet_diag_msg: family, state, timer, retrans, sockid (48), expires, rqueue, wqueue, uid, inode. */
const MSG_LEN = 72;

let recvBuf: Buffer | null = null;
let seq = 0;

function ipv4(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function ipv6(b: Buffer, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push(b.readUInt16BE(at + i * 2));
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${ipv4(b, at + 12)}`;
  // The longest run (of two or more) of zero groups becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** One family's listeners; null when the kernel does not answer (no sock_diag, or a refused request). */
function dump(fd: number, family: number): DiagListener[] | null {
  const req = Buffer.alloc(REQ_LEN);
  const mySeq = (seq = (seq + 1) >>> 0);
  req.writeUInt32LE(REQ_LEN, 0);
  req.writeUInt16LE(SOCK_DIAG_BY_FAMILY, 4);
  req.writeUInt16LE(NLM_F_REQUEST | NLM_F_DUMP, 6);
  req.writeUInt32LE(mySeq, 8);
  req.writeUInt8(family, NLMSG_HDRLEN);
  req.writeUInt8(IPPROTO_TCP, NLMSG_HDRLEN + 1);
  req.writeUInt32LE(1 << TCP_LISTEN, NLMSG_HDRLEN + 4);
  if (c.send(fd, req, REQ_LEN, 0) !== REQ_LEN) return null;
  recvBuf ??= Buffer.alloc(64 * 1024);
  const out: DiagListener[] = [];
  for (;;) {
    // The kernel fills each datagram while we read (the dump runs in recv), so a non-blocking read never waits.
    const n = Number(c.recv(fd, recvBuf, recvBuf.length, 0));
    if (n <= 0) return null;
    let at = 0;
    while (at + NLMSG_HDRLEN <= n) {
      const len = recvBuf.readUInt32LE(at);
      const type = recvBuf.readUInt16LE(at + 4);
      if (len < NLMSG_HDRLEN || at + len > n) return null;
      if (recvBuf.readUInt32LE(at + 8) === mySeq) {
        if (type === NLMSG_DONE) return out;
        if (type === NLMSG_ERROR) return null;
        if (type === SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + MSG_LEN) {
          const m = at + NLMSG_HDRLEN;
          const fam = recvBuf[m]!;
          out.push({
            family: fam === c.AF_INET6 ? 6 : 4,
            host: fam === c.AF_INET6 ? ipv6(recvBuf, m + 8) : ipv4(recvBuf, m + 8),
            port: recvBuf.readUInt16BE(m + 4),
            uid: recvBuf.readUInt32LE(m + 64),
            inode: recvBuf.readUInt32LE(m + 68),
          });
        }
      }
      at += (len + 3) & ~3;
    }
  }
}

/**
 * Every TCP socket listening in the caller's network namespace, IPv4 then
 * IPv6; null when sock_diag is not available (then read /proc/net/tcp{,6}).
 */
export function listeningTcp(): DiagListener[] | null {
  const fd = c.socket(c.AF_NETLINK, c.SOCK_DGRAM | c.SOCK_CLOEXEC | c.SOCK_NONBLOCK, NETLINK_SOCK_DIAG);
  if (fd < 0) return null;
  try {
    const v4 = dump(fd, c.AF_INET);
    if (v4 === null) return null;
    const v6 = dump(fd, c.AF_INET6);
    // A kernel built without IPv6 refuses the second family: the first still stands.
    return v6 === null ? v4 : [...v4, ...v6];
  } finally {
    c.close(fd);
  }
}
