// Health of a watched server at a modest pace: one probe of its own API at a
// time, `unhealthyAfter` failures in a row make it unhealthy, one answer
// makes it well again (unless it is stopped, which only SIGCONT cures).
// Which models it serves is read once a minute.
import { describeWatched, isWatchedAlive } from '../../common/watch.js';
import { WatchProbe, getJson, modelsFrom, pickListen } from './health.js';
import type { Tracked, WatchHost } from './tracked.js';

const MODELS_EVERY_MS = 60_000;

export function probeDue(host: WatchHost, t: Tracked, now: number): void {
  const v = t.view;
  const plan = t.cand.health;
  const l = pickListen(v.listen, [t.cand.port, t.cand.defaultPort]);
  const h = t.health;
  if (plan.path === null || !l) {
    h.nextProbeAt = now + host.config.health.interval;
    const detail = plan.path === null ? 'no health probe (alive is enough)' : 'no listening TCP port found';
    if (v.healthDetail !== detail) {
      v.healthDetail = detail;
      host.changed();
    }
    return;
  }
  h.probe ??= new WatchProbe();
  h.probing = true;
  const path = plan.path;
  void h.probe.probe(l, path, host.config.health.timeout).then((r) => {
    h.probing = false;
    const at = Date.now();
    h.nextProbeAt = at + host.config.health.interval;
    if (!isWatchedAlive(v)) return;
    v.healthAt = at;
    if (v.healthDetail !== r.detail) host.changed();
    v.healthDetail = r.detail;
    if (r.ok) {
      h.failures = 0;
      if (!t.stopped) recovered(host, t, at, r.detail);
    } else if (++h.failures >= host.config.health.unhealthyAfter) unhealthy(host, t, at, r.detail);
  });
  if (plan.modelsPath && now >= h.nextModelsAt) {
    h.nextModelsAt = now + MODELS_EVERY_MS;
    void getJson(l, plan.modelsPath, host.config.health.timeout).then((body) => {
      const models = modelsFrom(body);
      if (JSON.stringify(models) !== JSON.stringify(v.apiModels)) {
        v.apiModels = models;
        host.changed();
      }
    });
  }
}

/** Not answering, or stopped (an orphan stays an orphan: that is the graver news; its health line says the rest). */
export function unhealthy(host: WatchHost, t: Tracked, now: number, detail: string): void {
  if (t.view.healthDetail !== detail) host.changed();
  t.view.healthDetail = detail;
  if (t.life.status !== 'running') return;
  t.life.transition('unhealthy', detail, t.view.pid);
  host.emit(t, 'unhealthy', describeWatched(t.view, now));
}

export function recovered(host: WatchHost, t: Tracked, now: number, detail: string): void {
  t.view.healthDetail = detail;
  if (t.life.status !== 'unhealthy') return;
  t.life.transition('running', detail, t.view.pid);
  host.emit(t, 'recovered', `${t.view.comm} ${t.view.pid} answers again (${detail})`);
}
