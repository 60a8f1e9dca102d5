// Health latency as shown: a moving average of the probes (one slow probe on
// a busy machine is not a slow server), republished only when it moved
// noticeably — by 50 ms and by half — since an idle, healthy backend is not
// news every probe, and each store update is a snapshot pushed to every window.
const SMOOTHING = 0.3;
const MIN_DELTA_MS = 50;
const MIN_DELTA_RATIO = 0.5;

export class LatencySmoother {
  private avg: number | null = null;

  /**
   * Fold one probe's latency in. Returns the figure to show when it differs
   * from `shown` and moved noticeably (or `force`: a transition follows),
   * else null.
   */
  fold(ms: number, shown: number | null, force: boolean): number | null {
    const avg = this.avg === null ? ms : this.avg + SMOOTHING * (ms - this.avg);
    this.avg = avg;
    const next = Math.round(avg * 10) / 10;
    const moved = shown === null || Math.abs(next - shown) >= Math.max(MIN_DELTA_MS, shown * MIN_DELTA_RATIO);
    return (force || moved) && next !== shown ? next : null;
  }

  /** A new process: its latency starts afresh. */
  reset(): void {
    this.avg = null;
  }
}
