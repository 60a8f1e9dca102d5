// One timer per period shared by every backend: the isRunning backstop, the
// steady-state health probes and the log polls of all backends fire together. 50
// backends on 50 unaligned timers meant ~25 separate event-loop wake-ups a
// second, and on a VM each wake-up costs more than the probe work itself
// (measured: 50 keep-alive probes every 2 s, unaligned 3.4 % of a core,
// aligned 1.1 %).
type Job = () => void;

interface Ticker {
  timer: NodeJS.Timeout;
  jobs: Set<Job>;
}

const tickers = new Map<number, Ticker>();

/** Run `job` every `periodMs`, on the timer shared by all jobs of that period, until the returned stop is called. */
export function everyShared(periodMs: number, job: Job): () => void {
  let t = tickers.get(periodMs);
  if (!t) {
    const jobs = new Set<Job>();
    // A job may stop itself or another (an exit handler clears its watchers):
    // Set iteration tolerates deletion, so no per-tick copy is needed.
    const timer = setInterval(() => {
      for (const j of jobs) j();
    }, periodMs);
    timer.unref();
    t = { timer, jobs };
    tickers.set(periodMs, t);
  }
  const ticker = t;
  const entry: Job = () => job(); // distinct identity even when one function is registered twice
  ticker.jobs.add(entry);
  return () => {
    if (!ticker.jobs.delete(entry) || ticker.jobs.size > 0) return;
    clearInterval(ticker.timer);
    if (tickers.get(periodMs) === ticker) tickers.delete(periodMs);
  };
}

/** Number of live shared timers (tests). */
export function sharedTimerCount(): number {
  return tickers.size;
}
