// The backend cards, or the first-run guide when there are none.
import { useEffect } from 'react';
import { useUi } from '../store/store.js';
import { BackendCard } from './BackendCard.js';
import { FirstRun } from './FirstRun.js';

export function Backends() {
  const backends = useUi((s) => s.state?.backends);
  const focusId = useUi((s) => s.focusId);
  const view = useUi((s) => s.view);
  // A notification click focuses its backend: scroll to it and move keyboard focus there.
  useEffect(() => {
    if (view !== 'backends' || !focusId) return;
    const el = document.getElementById(`card-${focusId}`);
    el?.scrollIntoView({ block: 'nearest' });
    el?.focus();
  }, [focusId, view]);
  if (!backends) return <p className="muted">Loading…</p>;
  if (backends.length === 0) return <FirstRun />;
  return (
    <section aria-labelledby="backends-title">
      <h2 id="backends-title">Backends</h2>
      <div className="cards">
        {backends.map((b) => (
          <BackendCard key={b.id} b={b} focused={b.id === focusId} />
        ))}
      </div>
    </section>
  );
}
