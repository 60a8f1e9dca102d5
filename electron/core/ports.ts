// Free-port selection for backends with `port: auto`: let the kernel pick an
// ephemeral port on 127.0.0.1, read it, release it. There is a window in which
// someone else may take it; the supervisor re-chooses when the child reports
// "address already in use".
import { createServer } from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function pickFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen({ port: 0, host, exclusive: true }, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error(`could not read the port chosen on ${host}`))));
    });
  });
}
