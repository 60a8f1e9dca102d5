// "Will it fit?" on a backend's card: the prediction made before its last
// start (verdict, what it needs against what there is, the breakdown), what
// the run really took, the advice after an OOM kill, and "Start anyway" when
// the fit policy refused the start.
import { useState } from 'react';
import type { BackendFit } from '../../electron/common/fit.js';
import { verdictWord } from '../../electron/common/fit-view.js';
import type { BackendView } from '../../electron/common/state.js';
import { headlineDetail, partRows, verdictTone } from '../lib/fit-view.js';
import { useApi } from '../store/store.js';

function Breakdown({ fit, id }: { fit: BackendFit; id: string }) {
  if (fit.parts.length === 0) return null;
  return (
    <details className="fit-parts" data-testid={`fit-parts-${id}`}>
      <summary>Breakdown{fit.basis === 'measured' && fit.basisNote ? ` (${fit.basisNote})` : ''}</summary>
      <table>
        <tbody>
          {partRows(fit.parts).map((r, i) => (
            <tr key={i}>
              <td>{r.what}</td>
              <td className="num">{r.bytes}</td>
              <td>{r.device}</td>
              <td title={r.backing === 'file' ? "mmap'ed: page cache, reclaimable, still charged to a memory cgroup" : 'anonymous: only swap frees it'}>{r.backing}</td>
              <td className="muted small">{r.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {fit.notes.length > 0 && (
        <ul className="muted small">
          {fit.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </details>
  );
}

function StartAnyway({ b }: { b: BackendView }) {
  const api = useApi();
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const go = async (): Promise<void> => {
    setBusy(true);
    try {
      const r = await api.start({ id: b.id, anyway: true });
      setMsg({ ok: r.ok, text: r.message });
    } catch (e) {
      setMsg({ ok: false, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <p className="fit-refused">
      Not started: the fit policy is <code>refuse</code>.{' '}
      <button type="button" disabled={busy} onClick={() => void go()} aria-label={`Start ${b.name} anyway`}>
        Start anyway
      </button>
      {msg && (
        <span className={msg.ok ? 'result ok' : 'result bad'} role="status">
          {' '}
          {msg.text}
        </span>
      )}
    </p>
  );
}

export function FitPanel({ b }: { b: BackendView }) {
  const fit = b.fit;
  if (!fit) return null;
  if (fit.verdict === 'unknown') {
    return (
      <p className="fit muted small" data-testid={`fit-${b.id}`}>
        Fit: {fit.headline}
      </p>
    );
  }
  return (
    <section className="fit" data-testid={`fit-${b.id}`} aria-label={`Will ${b.name} fit?`}>
      <p className="fit-head">
        <span className="fit-label">Fit</span>{' '}
        <span className={`badge tone-${verdictTone(fit.verdict)}`} data-testid={`fit-verdict-${b.id}`}>
          {verdictWord(fit.verdict)}
        </span>{' '}
        <span data-testid={`fit-headline-${b.id}`}>{headlineDetail(fit)}</span>
        {fit.startedAnyway && <span className="tag">started anyway</span>}
      </p>
      {fit.refused && (b.status === 'failed' || b.status === 'stopped') && <StartAnyway b={b} />}
      {fit.measurement && (
        <p className="fit-measured" data-testid={`fit-measured-${b.id}`}>
          Measured{fit.measurement.final ? ' (run ended)' : ''}: {fit.measurement.text}
        </p>
      )}
      {fit.advice && (
        <p className="fit-advice" data-testid={`fit-advice-${b.id}`}>
          After the OOM kill of pid {fit.advice.pid}: {fit.advice.text}
        </p>
      )}
      <Breakdown fit={fit} id={b.id} />
    </section>
  );
}
