// Servers Vigil did not start, beside the backends: marked as watched, with
// the zombie line, manager, ports, unit, model, health and last OOM kill,
// and only the actions Vigil can honour (watched-view.ts says which).
import { memo, useState } from 'react';
import type { CommandResult } from '../../electron/common/api.js';
import { WATCHED_EXIT_STATUS_NOTE, describeWatched, type WatchAction, type WatchActionName, type WatchedServer } from '../../electron/common/watch.js';
import { sortWatched, watchedButtons, watchedFacts, watchedTone, zombieNote } from '../lib/watched-view.js';
import { useApi, useNow, useUi } from '../store/store.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { ManagerSection } from './ManagerSection.js';

const LABEL: Record<WatchActionName, string> = { stop: 'Stop', restart: 'Restart unit', adopt: 'Adopt' };
const sentence = (t: string): string => `${t.charAt(0).toUpperCase()}${t.slice(1)}.`;

/** The one-line summary, re-read each second (a zombie's age grows). */
function Line({ s }: { s: WatchedServer }) {
  const now = useNow((n) => n.now);
  return (
    <p className={`watched-line ${s.status}`} data-testid={`watched-line-${s.id}`}>
      {describeWatched(s, Math.max(now, s.since))}
    </p>
  );
}

function WatchedCardImpl({ s, uid, advice }: { s: WatchedServer; uid: number; advice: string | null }) {
  const api = useApi();
  const [confirm, setConfirm] = useState<WatchAction | null>(null);
  const [busy, setBusy] = useState<WatchActionName | null>(null);
  const [result, setResult] = useState<{ action: WatchActionName; res: CommandResult } | null>(null);
  const call = { stop: api.stopWatched, restart: api.restartWatchedUnit, adopt: api.adoptWatched };

  const run = async (a: WatchAction): Promise<void> => {
    setConfirm(null);
    setBusy(a.action);
    try {
      setResult({ action: a.action, res: await call[a.action]({ id: s.id }) });
    } catch (e) {
      setResult({ action: a.action, res: { ok: false, message: (e as Error).message } });
    } finally {
      setBusy(null);
    }
  };
  const name = `${s.label} ${s.pid}`;
  const note = zombieNote(s);
  const exited = s.status === 'zombie' || s.status === 'exited' || s.status === 'gone';
  return (
    <article className={`card watched ${s.status}`} data-testid={`watched-${s.id}`} data-pid={s.pid} aria-labelledby={`wname-${s.id}`}>
      <header className="card-head">
        <h3 id={`wname-${s.id}`}>{s.label}</h3>
        <span className={`badge tone-${watchedTone(s)}`} data-testid={`watched-status-${s.id}`} data-status={s.status}>
          {s.status}
        </span>
        <span className="tag" title="Vigil did not start it: it watches it from outside">
          watched
        </span>
      </header>
      <Line s={s} />
      {advice && (
        <p className="shed-note" role="alert" data-testid={`watched-guard-${s.id}`}>
          Memory pressure: Vigil recommends stopping this server. {advice}
        </p>
      )}
      <dl className="facts watched-facts">
        {watchedFacts(s).map((f) => (
          <div className={f.wide ? 'fact wide' : 'fact'} key={f.key}>
            <dt>{f.label}</dt>
            <dd data-testid={`watched-${f.key}-${s.id}`}>{f.text}</dd>
          </div>
        ))}
      </dl>
      {s.managerView && <ManagerSection s={s} v={s.managerView} />}
      {s.cmdline.length > 0 && (
        <p className="cmdline muted small" title={s.cmdline.join(' ')}>
          {s.cmdline.join(' ')}
        </p>
      )}
      {note && (
        <p className="reap-note" data-testid={`watched-zombie-note-${s.id}`}>
          {note}
        </p>
      )}
      {exited && !s.exit && <p className="muted small">{sentence(WATCHED_EXIT_STATUS_NOTE)}</p>}
      <div className="actions">
        {watchedButtons(s, uid).map((a) => (
          <button
            key={a.action}
            type="button"
            aria-label={`${LABEL[a.action]} ${name}`}
            disabled={!a.available || busy !== null}
            title={a.why}
            onClick={() => setConfirm(a)}
          >
            {LABEL[a.action]}
          </button>
        ))}
      </div>
      {busy && <p className="muted" role="status">{busy}…</p>}
      {result && (
        <p className={result.res.ok ? 'result ok' : 'result bad'} role="status" data-testid={`watched-result-${s.id}`}>
          {LABEL[result.action]}: {result.res.message}
        </p>
      )}
      {confirm && (
        <ConfirmDialog
          title={`${LABEL[confirm.action]} ${name}?`}
          message={`${confirm.confirm ?? ''} ${sentence(confirm.why)}`}
          confirmLabel={LABEL[confirm.action]}
          onConfirm={() => void run(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </article>
  );
}

/** A watched server that did not change is the same object after a delta (common/client.ts). */
const WatchedCard = memo(WatchedCardImpl);

export function WatchedList() {
  const watched = useUi((s) => s.state?.watched);
  const uid = useUi((s) => s.state?.uid ?? -1);
  // The pressure guard only recommends for servers Vigil did not start: its alert names the one to stop.
  const guard = useUi((s) => s.state?.alerts.find((a) => a.id === 'guard') ?? null);
  if (!watched || watched.length === 0) return null;
  return (
    <section aria-labelledby="watched-title" className="watched-section">
      <h2 id="watched-title">
        Watched <span className="muted small">servers Vigil did not start</span>
      </h2>
      <div className="cards">
        {sortWatched(watched).map((s) => (
          <WatchedCard key={s.id} s={s} uid={uid} advice={guard && guard.figures.pid === s.pid ? guard.message : null} />
        ))}
      </div>
    </section>
  );
}
