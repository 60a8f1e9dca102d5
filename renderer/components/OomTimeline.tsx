// Every OOM kill Vigil saw, newest first by the kernel's time of the kill,
// with who was killed, by whom, and which backend it was, if any.
import type { KernelLogStatus, OomKill } from '../../electron/common/state.js';
import { formatBytes, formatKb } from '../../electron/common/format.js';
import { formatDateTime, killerLabel } from '../lib/format.js';
import { useUi } from '../store/store.js';

function When({ k }: { k: OomKill }) {
  if (k.time !== null) return <>{formatDateTime(k.time)}</>;
  return <>{k.timeText ?? 'unknown'}</>;
}

function Source({ kl }: { kl: KernelLogStatus }) {
  return (
    <section className="source-box" aria-label="Kernel log source">
      <p>
        Reading OOM kills from <strong data-testid="oom-source">{kl.active}</strong>: {kl.detail}
      </p>
      {kl.hint && <p className="hint">To see more: {kl.hint}</p>}
    </section>
  );
}

export function OomTimeline() {
  const state = useUi((s) => s.state);
  const focus = useUi((s) => s.focus);
  if (!state) return null;
  const ooms = [...state.ooms].reverse();
  // A kill a watched server took is named as it was attributed when it arrived (stored with the kill, never rewritten).
  const watchedBy = (k: (typeof ooms)[number]): string | null => (k.watched ? (k.watched.by === 'pid' ? `${k.watched.label} ${k.watched.pid}` : k.watched.text) : null);
  return (
    <section aria-labelledby="oom-title">
      <h2 id="oom-title">OOM kills</h2>
      <Source kl={state.kernelLog} />
      {ooms.length === 0 ? (
        <p className="muted" data-testid="oom-empty">No OOM kills seen since the log source was opened.</p>
      ) : (
        <div className="table-wrap">
          <table className="oom-table">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Victim</th>
                <th scope="col">Anon / file / shmem RSS (GPU: device, size asked)</th>
                <th scope="col">Scope</th>
                <th scope="col">Killer</th>
                <th scope="col">Backend</th>
              </tr>
            </thead>
            <tbody>
              {ooms.map((k) => (
                <tr key={k.id} data-testid={`oom-row-${k.pid}`} className={k.killer === 'vigil' ? 'shed-row' : undefined}>
                  <td>
                    <When k={k} />
                  </td>
                  <td>
                    {k.comm} <span className="muted">pid {k.pid}</span>
                    {k.trigger && <div className="muted small">invoked by {k.trigger.comm}{k.trigger.pid !== null && ` (${k.trigger.pid})`}</div>}
                  </td>
                  <td>
                    {k.kind === 'gpu' && k.gpu ? (
                      <span data-testid={`oom-gpu-${k.pid}`}>
                        GPU {k.gpu.device ?? 'device unknown'}
                        {k.gpu.bytes !== null && <>: asked for {formatBytes(k.gpu.bytes)}</>}
                        <div className="muted small" title={k.gpu.line}>{k.gpu.summary}</div>
                      </span>
                    ) : (
                      <>
                        {formatKb(k.anonRssKb)} / {formatKb(k.fileRssKb)} / {formatKb(k.shmemRssKb)}
                        {k.totalVmKb !== null && <div className="muted small">total-vm {formatKb(k.totalVmKb)}</div>}
                      </>
                    )}
                  </td>
                  <td>
                    {k.kind === 'gpu' ? 'GPU' : k.scope}
                    {k.constraint && <div className="muted small">{k.constraint}</div>}
                    {k.memcg && <div className="muted small">{k.memcg}</div>}
                  </td>
                  <td>
                    {k.killer === 'vigil' ? (
                      <span className="shed" data-testid={`oom-shed-${k.pid}`} title="The pressure guard stopped it through its stop sequence before any killer had to act">
                        {killerLabel(k.killer)} <span className="muted small">memory pressure</span>
                      </span>
                    ) : (
                      <>
                        {killerLabel(k.killer)} <span className="muted small">via {k.kind === 'gpu' ? 'its log' : k.source}</span>
                      </>
                    )}
                  </td>
                  <td>
                    {watchedBy(k) ? (
                      <span data-testid={`oom-watched-${k.pid}`}>watched: {watchedBy(k)}</span>
                    ) : k.backend ? (
                      <button type="button" className="link" onClick={() => focus(k.backend, 'backends')} data-testid={`oom-backend-${k.pid}`}>
                        {k.backend}
                      </button>
                    ) : k.largestConsumer ? (
                      <span className="muted" data-testid={`oom-largest-${k.pid}`} title="Not a cause: the kernel picks its victim by its own score">
                        not a backend; largest backend at the time: {k.largestConsumer.backend} ({formatBytes(k.largestConsumer.rssBytes)})
                      </span>
                    ) : (
                      <span className="muted">not a backend</span>
                    )}
                    {k.advice && <div className="fit-advice small" data-testid={`oom-advice-${k.pid}`}>{k.advice}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
