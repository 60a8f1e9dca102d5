// One timer for many deadlines. Probes of every backend start together on
// the shared beat and nearly all answer long before their timeout: arming
// and clearing a timer for each costs a measurable share of an idle Vigil's CPU.
// Here the first pending deadline arms one timer, the last to settle clears
// it, and a firing runs whatever is due and re-arms for the next.
interface Entry {
  at: number;
  fire: () => void;
}

export class Deadlines {
  private readonly entries = new Set<Entry>();
  private timer: NodeJS.Timeout | null = null;
  private armedAt = Number.POSITIVE_INFINITY;

  /** Call `fire` after `ms` unless the returned cancel runs first. */
  add(ms: number, fire: () => void): () => void {
    const e: Entry = { at: performance.now() + ms, fire };
    this.entries.add(e);
    if (e.at < this.armedAt) this.arm(e.at);
    return () => {
      if (!this.entries.delete(e) || this.entries.size > 0) return;
      this.disarm();
    };
  }

  /** Pending deadlines (tests). */
  get size(): number {
    return this.entries.size;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.run(), Math.max(0, at - performance.now()));
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
  }

  private run(): void {
    this.timer = null;
    this.armedAt = Number.POSITIVE_INFINITY;
    // setTimeout may fire up to a millisecond early by performance.now(): allow for it.
    const now = performance.now() + 1;
    for (const e of this.entries) {
      if (e.at > now) continue;
      this.entries.delete(e);
      e.fire();
    }
    let next = Number.POSITIVE_INFINITY;
    for (const e of this.entries) next = Math.min(next, e.at);
    if (next < this.armedAt) this.arm(next);
  }
}
