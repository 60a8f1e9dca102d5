// State can change many times a second (samplers, probes); clients need
// only the latest.

/** Calls `send(latest)` at most once per `intervalMs`, never dropping the last value. */
export function throttleLatest<T>(intervalMs: number, send: (v: T) => void): { push(v: T): void; cancel(): void } {
  let last = 0;
  let pending: { v: T } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = (): void => {
    timer = null;
    if (!pending) return;
    const { v } = pending;
    pending = null;
    last = Date.now();
    send(v);
  };
  return {
    push(v) {
      pending = { v };
      if (timer) return;
      const wait = last + intervalMs - Date.now();
      if (wait <= 0) flush();
      else timer = setTimeout(flush, wait);
    },
    cancel() {
      if (timer) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
