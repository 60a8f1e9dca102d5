// OOM kills from the kernel log (and the journal's user-space killers) into
// the timeline: each kill is attributed (attribute.ts), stored in the
// kernel's time order, and handed to its backend's supervisor — which ties it
// to the exit — or, for any other process, told as an event in words that
// claim no more than attribution found.
import { formatBytes } from '../../../common/format.js';
import type { KernelLogStatus, OomKill, VigilEvent } from '../../../common/state.js';
import type { Logger } from '../../diagnostics.js';
import { attributeKill, isSystemWide, type AttributionInputs } from '../../oom/attribute.js';
import { KernelLogWatcher, type KernelLogSourceChoice } from '../../oom/kernel-log-watcher.js';
import type { EventDraft } from '../../events.js';

export interface OomFeedDeps {
  stateDir: string;
  /** null: no /dev/kmsg. */
  kmsgPath?: string | null;
  /** null: no journal. */
  journalctl?: string | null;
  sources: KernelLogSourceChoice[];
  attribution: AttributionInputs;
  publish: { kill(k: OomKill): void; status(s: KernelLogStatus): void };
  /** Tell the backend's supervisor; false when no supervisor of that id runs (removed since). */
  markOomKilled(backend: string, kill: OomKill): boolean;
  /** Offer a kill of no backend to the watched servers: the kill with its attribution when one took it (and told of it), else null. */
  watched?(kill: OomKill): OomKill | null;
  emit(d: EventDraft): VigilEvent;
  logger: Logger;
}

/** The event line for a kill no supervisor of this Vigil tells about. */
export function describeKill(k: OomKill, memoryNodes: number): string {
  const victim = `OOM killer took ${k.comm || 'a process'} (pid ${k.pid})`;
  if (k.backend) return `${victim}, a process of backend '${k.backend}'`;
  if (!isSystemWide(k, memoryNodes)) {
    return k.memcg ? `${victim} inside memory cgroup ${k.memcg}, at that cgroup's own limit; not a backend` : `${victim} at a memory cgroup's own limit; not a backend`;
  }
  const largest = k.largestConsumer ? `; largest backend at the time: ${k.largestConsumer.backend} (${formatBytes(k.largestConsumer.rssBytes)})` : '';
  return `${victim}, system-wide; not a backend${largest}`;
}

/** Starts reading the kernel log; returns stop. A source that cannot start is a status and a diagnostic, never a throw. */
export async function startOomFeed(deps: OomFeedDeps): Promise<() => void> {
  const sources = deps.kmsgPath === null ? deps.sources.filter((s) => s !== 'kmsg') : deps.sources;
  if (deps.kmsgPath === null && deps.journalctl === null) return () => {};
  const onKill = (kill: OomKill): void => {
    const k: OomKill = { ...kill, ...attributeKill(kill, deps.attribution) };
    // Attributed once, as it arrives: the stored kill carries its watched server, which later state never rewrites.
    const watched = k.backend ? null : (deps.watched?.(k) ?? null);
    deps.publish.kill(watched ?? k);
    if (watched) return;
    if (k.backend && deps.markOomKilled(k.backend, k)) return;
    deps.emit({ kind: 'oom', backend: k.backend, reason: describeKill(k, deps.attribution.memoryNodes), pid: k.pid, oom: k });
  };
  const w = new KernelLogWatcher({
    stateDir: deps.stateDir,
    ...(deps.kmsgPath ? { kmsgPath: deps.kmsgPath } : {}),
    journalctl: deps.journalctl === undefined ? 'journalctl' : deps.journalctl,
    sources,
    onKill,
    onStatus: (s) => deps.publish.status(s),
    onError: (e) => deps.logger.warn(`kernel log: ${e.message}`),
  });
  try {
    await w.start();
  } catch (e) {
    deps.logger.error('kernel log watcher failed to start', e);
  }
  return () => w.stop();
}
