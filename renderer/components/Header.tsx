// Host, connection, kernel-log source, watched servers' problems and memory alerts: what is true right now.
import { formatConfigIssue } from '../../electron/common/format.js';
import { watchedProblems } from '../../electron/common/watch.js';
import { aggregateStatus, formatClock } from '../lib/format.js';
import { useUi, type Theme } from '../store/store.js';

const THEMES: Theme[] = ['system', 'dark', 'light'];

export function Header() {
  const state = useUi((s) => s.state);
  const connection = useUi((s) => s.connection);
  const lastStateAt = useUi((s) => s.lastStateAt);
  const theme = useUi((s) => s.theme);
  const setTheme = useUi((s) => s.setTheme);
  const agg = aggregateStatus(state?.backends ?? []);
  const watched = watchedProblems(state?.watched ?? [], Date.now());
  const kl = state?.kernelLog;
  return (
    <header className="top">
      <div className="top-row">
        <h1>
          Vigil <span className="host">{state?.hostname ?? '…'}</span>
        </h1>
        <span className={`badge tone-${agg.tone}`} data-testid="aggregate">{agg.text}</span>
        {watched.text && (
          <span className="badge tone-bad" data-testid="watched-problems" title="Servers Vigil did not start: see Watched servers under Backends">
            watched: {watched.text}
          </span>
        )}
        <span className={`conn conn-${connection}`} data-testid="connection">{connection}</span>
        {kl && (
          <span className={`badge source ${kl.hint ? 'tone-warn' : 'tone-idle'}`} title={kl.detail} data-testid="kernel-log-source">
            OOM source: {kl.active}
          </span>
        )}
        <button
          type="button"
          className="theme-toggle"
          aria-label={`Theme: ${theme} (click to change)`}
          onClick={() => setTheme(THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]!)}
        >
          Theme: {theme}
        </button>
      </div>
      {connection !== 'connected' && (
        <div className="banner bad" role="alert" data-testid="disconnected-banner">
          {connection === 'connecting' && lastStateAt === null
            ? 'Connecting to Vigil…'
            : `Disconnected — data is stale since ${lastStateAt === null ? 'start' : formatClock(lastStateAt)}; reconnecting…`}
        </div>
      )}
      {kl?.hint && (
        <div className="banner warn" data-testid="kernel-log-hint">
          {kl.detail}. {kl.hint}
        </div>
      )}
      {state?.config.errors.length ? (
        <div className="banner bad" role="alert" data-testid="config-errors">
          Config {state.config.path} has errors; the last good config stays in force:
          <ul>
            {state.config.errors.map((e, i) => (
              <li key={i}>{formatConfigIssue(e)}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {state?.alerts.map((a) => (
        <div key={a.id} className="banner warn" role="alert" data-testid={`alert-${a.id}`}>
          {a.message} <span className="muted">since {formatClock(a.since)}</span>
        </div>
      ))}
    </header>
  );
}
