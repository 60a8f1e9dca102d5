// One backend: status, process facts, last exit, and the actions on it.
import { memo, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { CommandResult } from '../../electron/common/api.js';
import type { BackendCommand } from '../../electron/common/commands.js';
import { describeExit } from '../../electron/common/format.js';
import type { BackendView } from '../../electron/common/state.js';
import { cardActions } from '../lib/card-actions.js';
import { gpuFact, healthFact, lifeFact, memoryFact, nextStart } from '../lib/card-figures.js';
import { formatClock } from '../lib/format.js';
import { useApi, useNow, useUi } from '../store/store.js';
import { ConfirmDialog } from './ConfirmDialog.js';
import { FitPanel } from './FitPanel.js';
import { LlamaPanel } from './LlamaPanel.js';
import { StatusBadge } from './StatusBadge.js';

type Action = BackendCommand;
const LABEL: Record<Action, string> = { start: 'Start', stop: 'Stop', restart: 'Restart', reap: 'Reap' };
const CONFIRM: Partial<Record<Action, string>> = {
  stop: 'stops the process group (SIGTERM, then SIGKILL after the grace period); requests in flight fail.',
  restart: 'stops the process group and starts it again; requests in flight fail and the model reloads.',
};

/**
 * The facts that move with the clock; their own components, and they select
 * the text from the clock, so they render again only when what they show
 * changes (past its first ten minutes an uptime shows minutes: once a minute, not each second).
 */
function LifeFact({ b }: { b: BackendView }) {
  const f = useNow(useShallow((s) => lifeFact(b, s.now)));
  return <Fact label={f.label} testId={`life-${b.id}`}>{f.text}</Fact>;
}

function NextStart({ b }: { b: BackendView }) {
  const text = useNow((s) => nextStart(b, s.now));
  return text === null ? null : <Fact label="Next start" testId={`next-start-${b.id}`}>{text}</Fact>;
}

/** VRAM and GTT per device; on a GTT holder, a line saying that GTT is host memory outside RSS. */
function GpuFact({ b }: { b: BackendView }) {
  const f = gpuFact(b);
  if (!f) return null;
  return (
    <div className="fact wide">
      <dt>{f.label}</dt>
      <dd data-testid={`gpu-${b.id}`} title={f.title ?? undefined}>
        {f.text}
        {f.title && <div className="muted small" data-testid={`gtt-note-${b.id}`}>{f.title}</div>}
      </dd>
    </div>
  );
}

function Fact({ label, children, testId, title }: { label: string; children: ReactNode; testId?: string; title?: string | null }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId} title={title ?? undefined}>{children}</dd>
    </div>
  );
}

function BackendCardImpl({ b, focused }: { b: BackendView; focused: boolean }) {
  const [confirm, setConfirm] = useState<Action | null>(null);
  const [busy, setBusy] = useState<Action | null>(null);
  const [result, setResult] = useState<{ action: Action; res: CommandResult } | null>(null);
  const focus = useUi((s) => s.focus);
  const api = useApi();

  const run = async (action: Action): Promise<void> => {
    setConfirm(null);
    setBusy(action);
    try {
      const res = await api[action]({ id: b.id });
      setResult({ action, res });
    } catch (e) {
      setResult({ action, res: { ok: false, message: (e as Error).message } });
    } finally {
      setBusy(null);
    }
  };
  const ask = (action: Action): void => {
    if (CONFIRM[action]) setConfirm(action);
    else void run(action);
  };

  const exit = b.lastExit;
  return (
    <article className={`card${focused ? ' focused' : ''}`} data-testid={`backend-${b.id}`} aria-labelledby={`name-${b.id}`} tabIndex={-1} id={`card-${b.id}`}>
      <header className="card-head">
        <h3 id={`name-${b.id}`}>{b.name}</h3>
        <StatusBadge status={b.status} testId={`status-${b.id}`} />
        {b.adopted && (
          <span className="tag" title="Found running when Vigil started and taken over">
            adopted
          </span>
        )}
      </header>
      {b.reason && <p className="reason" data-testid={`reason-${b.id}`}>{b.reason}</p>}
      <dl className="facts">
        <Fact label="PID" testId={`pid-${b.id}`}>{b.pid ?? '—'}</Fact>
        <LifeFact b={b} />
        <Fact label="Port">{b.port ?? '—'}</Fact>
        <Fact label="Health" testId={`health-${b.id}`}>{healthFact(b).text}</Fact>
        <Fact label="Restarts" testId={`restarts-${b.id}`}>{b.restarts}</Fact>
        <Fact label="RSS" testId={`rss-${b.id}`} title={memoryFact(b).title}>{memoryFact(b).text}</Fact>
        <GpuFact b={b} />
        <NextStart b={b} />
        <Fact label="OOM score adj" testId={`oom-adj-${b.id}`} title="oom_score_adj (config oom.scoreAdj): positive makes the kernel take this backend before ordinary programs">{b.oomScoreAdj ?? '—'}</Fact>
      </dl>
      {b.shed && (
        <p className="shed-note" data-testid={`shed-${b.id}`}>
          {b.shed.action === 'stopped' ? 'Stopped' : 'Restarted smaller'} by Vigil at {formatClock(b.shed.at)}: {b.shed.reason}.{b.shed.action === 'stopped' && ' It stays stopped until you start it.'}
          {b.shed.fitsNow && <span className="fit-advice small"> What would fit now: {b.shed.fitsNow}</span>}
        </p>
      )}
      {exit && (
        <p className={`last-exit${exit.oomKilled ? ' oom' : ''}`} data-testid={`exit-${b.id}`}>
          Last exit {formatClock(exit.time)}: pid {exit.pid} {describeExit(exit)}
          {!exit.reaped && ' — not reaped yet'}
        </p>
      )}
      <FitPanel b={b} />
      <LlamaPanel b={b} />
      {b.awaitingReap && <p className="reap-note" data-testid={`awaiting-reap-${b.id}`}>Exited child is waiting to be reaped (zombie).</p>}
      <div className="actions">
        {cardActions(b, busy).map((a) => (
          <button key={a.command} type="button" aria-label={`${LABEL[a.command]} ${b.name}`} disabled={!a.enabled} title={a.refusal ?? undefined} onClick={() => ask(a.command)}>
            {LABEL[a.command]}
          </button>
        ))}
        <button type="button" className="link" aria-label={`Logs of ${b.name}`} onClick={() => focus(b.id, 'logs')}>
          Logs
        </button>
      </div>
      {busy && <p className="muted" role="status">{busy}…</p>}
      {result && (
        <p className={result.res.ok ? 'result ok' : 'result bad'} role="status" data-testid={`result-${b.id}`}>
          {result.action}: {result.res.message}
          {result.res.exit && ` — collected pid ${result.res.exit.pid}: ${describeExit(result.res.exit)}`}
        </p>
      )}
      {confirm && (
        <ConfirmDialog
          title={`${confirm === 'stop' ? 'Stop' : 'Restart'} ${b.name}?`}
          message={`This ${CONFIRM[confirm]}`}
          confirmLabel={confirm === 'stop' ? 'Stop' : 'Restart'}
          onConfirm={() => void run(confirm)}
          onCancel={() => setConfirm(null)}
        />
      )}
    </article>
  );
}

/** A backend that did not change is the same object after a delta (common/client.ts): its card does not render again. */
export const BackendCard = memo(BackendCardImpl);
