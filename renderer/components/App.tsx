// Shell: header, view navigation, the current view, theme.
import { useEffect } from 'react';
import { oomCounts } from '../lib/format.js';
import { useUi, type View } from '../store/store.js';
import { Backends } from './Backends.js';
import { Header } from './Header.js';
import { LogView } from './LogView.js';
import { MemoryCharts } from './MemoryCharts.js';
import { OomTimeline } from './OomTimeline.js';
import { WatchedList } from './WatchedList.js';

const VIEWS: { id: View; label: string }[] = [
  { id: 'backends', label: 'Backends' },
  { id: 'memory', label: 'Memory' },
  { id: 'ooms', label: 'OOM kills' },
  { id: 'logs', label: 'Logs' },
];

export function App() {
  const view = useUi((s) => s.view);
  const setView = useUi((s) => s.setView);
  const theme = useUi((s) => s.theme);
  const ooms = useUi((s) => s.state?.ooms);
  const oom = oomCounts(ooms ?? []);
  const error = useUi((s) => s.error);
  const setError = useUi((s) => s.setError);
  useEffect(() => {
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  }, [theme]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <Header />
      <nav aria-label="Views">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            aria-current={view === v.id ? 'page' : undefined}
            onClick={() => setView(v.id)}
            data-testid={`nav-${v.id}`}
            title={v.id === 'ooms' && oom.other > 0 ? `${oom.concern} of backends or system-wide; ${oom.other} more inside other programs' memory limits` : undefined}
          >
            {v.label}
            {v.id === 'ooms' && oom.concern > 0 && <span className="count" data-testid="oom-count"> {oom.concern}</span>}
          </button>
        ))}
      </nav>
      {error && (
        <div className="banner bad" role="alert">
          {error}{' '}
          <button type="button" onClick={() => setError(null)} aria-label="Dismiss error">
            Dismiss
          </button>
        </div>
      )}
      <main id="main" tabIndex={-1}>
        {view === 'backends' && (<><Backends /><WatchedList /></>)}
        {view === 'memory' && <MemoryCharts />}
        {view === 'ooms' && <OomTimeline />}
        {view === 'logs' && <LogView />}
      </main>
    </>
  );
}
