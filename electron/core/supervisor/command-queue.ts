// Per-backend serialisation of commands: each runs after the previous one
// settles, so start/stop/restart/reap never interleave on one backend.
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Commands queued or running. */
  get size(): number {
    return this.pending;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const p = this.tail.then(fn, fn);
    this.tail = p.then(
      () => this.pending--,
      () => this.pending--,
    );
    return p;
  }
}
