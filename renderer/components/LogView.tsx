// Live tail of one backend's output plus its event history.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LogLine } from '../../electron/common/api.js';
import { formatClock, matchesFilter } from '../lib/format.js';
import { useApi, useUi } from '../store/store.js';
import { EventHistory } from './EventHistory.js';

/** Lines kept in memory per tail; older ones are in the host's log file. */
const KEEP = 5000;

function download(id: string, lines: LogLine[]): void {
  const text = lines.map((l) => `${new Date(l.time).toISOString()} ${l.stream} ${l.text}`).join('\n') + '\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${id}.log`;
  a.click();
  // Revoke after the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function Tail({ id }: { id: string }) {
  const api = useApi();
  const [lines, setLines] = useState<LogLine[]>([]);
  const [path, setPath] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [follow, setFollow] = useState(true);
  const [filter, setFilter] = useState('');
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    let live = true;
    const buffered: LogLine[] = [];
    let loaded = false;
    setLines([]);
    setError(null);
    // Subscribe first so no line falls between the snapshot and the live tail.
    const off = api.onLog(id, (chunk) => {
      if (!loaded) buffered.push(...chunk.lines);
      else setLines((prev) => [...prev, ...chunk.lines].slice(-KEEP));
    });
    api.getLogs({ id, lines: 1000 }).then(
      (chunk) => {
        if (!live) return;
        loaded = true;
        setPath(chunk.path);
        const lastTime = chunk.lines.at(-1)?.time ?? 0;
        setLines([...chunk.lines, ...buffered.filter((l) => l.time > lastTime)].slice(-KEEP));
      },
      (e: unknown) => live && setError((e as Error).message),
    );
    return () => {
      live = false;
      off();
    };
  }, [api, id]);

  const shown = useMemo(() => lines.filter((l) => matchesFilter(l.text, filter)), [lines, filter]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown, follow]);

  return (
    <section aria-label={`Log of ${id}`}>
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <label>
          Search <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter log lines" />
        </label>
        <button type="button" onClick={() => download(id, shown)} disabled={shown.length === 0}>
          Download
        </button>
        <span className="muted small">
          {shown.length} of {lines.length} lines{path && ` — ${path}`}
        </span>
      </div>
      {error && <p className="result bad" role="alert">Could not load the log: {error}</p>}
      <pre className="log" ref={box} tabIndex={0} data-testid={`log-${id}`} aria-live="off">
        {shown.map((l, i) => (
          <div key={i} className={`log-line ${l.stream}`}>
            <span className="muted">{formatClock(l.time)}</span> {l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}

export function LogView() {
  const state = useUi((s) => s.state);
  const focusId = useUi((s) => s.focusId);
  const focus = useUi((s) => s.focus);
  const backends = state?.backends ?? [];
  const id = focusId && backends.some((b) => b.id === focusId) ? focusId : backends[0]?.id ?? null;
  if (!id) return <p className="muted">No backends: nothing to tail.</p>;
  return (
    <section aria-labelledby="logs-title">
      <h2 id="logs-title">Logs</h2>
      <label>
        Backend{' '}
        <select value={id} onChange={(e) => focus(e.target.value)} aria-label="Backend">
          {backends.map((b) => (
            <option key={b.id} value={b.id}>
              {b.name}
            </option>
          ))}
        </select>
      </label>
      <Tail key={id} id={id} />
      <EventHistory id={id} />
    </section>
  );
}
