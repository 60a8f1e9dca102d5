// One timer for every periodic job of the core: the isRunning backstop, the
// steady-state health probes, the log polls and the memory sampler. 50
// backends on 50 unaligned timers meant ~25 separate event-loop wake-ups a
// second, and on a VM each wake-up costs more than the probe work itself
// (measured: 50 keep-alive probes every 2 s, unaligned 3.4 % of a core,
// aligned 1.1 %). Jobs of one period form a ticker; each ticker fires on
// multiples of its period on one clock, and a single timer is armed for the
// earliest, so the 1 s, 2 s and 5 s tickers coincide: one wake-up, not three.
type Job = () => void;

interface Ticker {
  period: number;
  jobs: Set<Job>;
  /** Next boundary, performance.now() ms: a multiple of the period. */
  next: number;
}

const tickers = new Map<number, Ticker>();
let timer: NodeJS.Timeout | null = null;
let armedAt = Number.POSITIVE_INFINITY;

/** Delay from `now` to the next multiple of `period` at least half a period away (a timer may fire a little early). */
export function delayToBoundary(now: number, period: number): number {
  let next = (Math.floor(now / period) + 1) * period;
  if (next - now < period / 2) next += period;
  return next - now;
}

function arm(): void {
  let next = Number.POSITIVE_INFINITY;
  for (const t of tickers.values()) next = Math.min(next, t.next);
  if (next === armedAt) return;
  if (timer) clearTimeout(timer);
  timer = null;
  armedAt = next;
  if (next === Number.POSITIVE_INFINITY) return;
  timer = setTimeout(fire, Math.max(0, next - performance.now()));
  timer.unref();
}

function fire(): void {
  timer = null;
  armedAt = Number.POSITIVE_INFINITY;
  // Timers may fire up to a millisecond early on this clock.
  const now = performance.now() + 1;
  // Jobs may add or stop tickers: walk a copy, skip any stopped meanwhile.
  for (const t of [...tickers.values()]) {
    if (t.next > now || tickers.get(t.period) !== t) continue;
    t.next += t.period;
    if (t.next <= now) t.next = now + delayToBoundary(now, t.period); // fell behind (suspend, long stall): skip ahead
    // Set iteration tolerates deletion, so a job may stop itself or another.
    for (const j of t.jobs) j();
  }
  arm();
}

/** Run `job` every `periodMs`, on the ticker shared by all jobs of that period, until the returned stop is called. */
export function everyShared(periodMs: number, job: Job): () => void {
  let t = tickers.get(periodMs);
  if (!t) {
    const now = performance.now();
    t = { period: periodMs, jobs: new Set<Job>(), next: now + delayToBoundary(now, periodMs) };
    tickers.set(periodMs, t);
    arm();
  }
  const ticker = t;
  const entry: Job = () => job(); // distinct identity even when one function is registered twice
  ticker.jobs.add(entry);
  return () => {
    if (!ticker.jobs.delete(entry) || ticker.jobs.size > 0) return;
    if (tickers.get(periodMs) === ticker) tickers.delete(periodMs);
    arm();
  };
}

/** Number of live tickers (tests). */
export function sharedTimerCount(): number {
  return tickers.size;
}
