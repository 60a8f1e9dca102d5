// The journal's events for one backend, refreshed when a new one shows up in state.
import { useEffect, useState } from 'react';
import type { ExitInfo, VigilEvent } from '../../electron/common/state.js';
import { describeExit } from '../../electron/common/format.js';
import { formatDateTime } from '../lib/format.js';
import { useApi, useUi } from '../store/store.js';

/** The exit in the card's words, when they add to the event's reason ('OOM-killed (anon RSS 63.9 MiB)'), not when they repeat it. */
function ExitNote({ reason, exit }: { reason: string; exit: ExitInfo }) {
  const words = describeExit(exit);
  return reason.toLowerCase().includes(words.toLowerCase()) ? null : <span> — {words}</span>;
}

export function EventHistory({ id }: { id: string }) {
  const api = useApi();
  // Newest seq for this backend in the pushed snapshot: a cheap "something happened" signal.
  const latestSeq = useUi((s) => {
    const evs = s.state?.events ?? [];
    for (let i = evs.length - 1; i >= 0; i--) if (evs[i]!.backend === id) return evs[i]!.seq;
    return -1;
  });
  const [events, setEvents] = useState<VigilEvent[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.getEvents({ backend: id, limit: 200 }).then(
      (evs) => live && setEvents([...evs].sort((a, b) => b.seq - a.seq)),
      (e: unknown) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
    };
  }, [api, id, latestSeq]);
  return (
    <section aria-labelledby="events-title">
      <h3 id="events-title">Event history</h3>
      {error && <p className="result bad">Could not load events: {error}</p>}
      {events?.length === 0 && <p className="muted">No events yet.</p>}
      <ol className="events" data-testid={`events-${id}`}>
        {events?.map((e) => (
          <li key={e.seq} className={`event ${e.kind}`}>
            <span className="muted">{formatDateTime(e.time)}</span> <strong>{e.kind}</strong>{' '}
            {e.from && e.to && `${e.from} → ${e.to} `}
            {e.reason}
            {e.pid !== null && <span className="muted"> (pid {e.pid})</span>}
            {e.exit && <ExitNote reason={e.reason} exit={e.exit} />}
          </li>
        ))}
      </ol>
    </section>
  );
}
