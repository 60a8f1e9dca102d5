// A manager's part of its watched card (llama.cpp's router, Ollama,
// llama-swap, lemond): its models, its servers live with the model by its
// own name and what it says of each, its servers' OOM kills, and each of its
// claims that what Vigil sees contradicts.
import { describeDiscrepancy, managedServerState, managerKills, managerModels } from '../../electron/common/watch-managers.js';
import type { ManagerView, WatchedServer } from '../../electron/common/watch.js';
import { useNow } from '../store/store.js';

export function ManagerSection({ s, v }: { s: WatchedServer; v: ManagerView }) {
  const now = useNow((n) => n.now);
  const models = managerModels(v);
  const kills = managerKills(v, now);
  return (
    <section className="manager" aria-label={`${s.label} ${s.pid}: its servers`} data-testid={`manager-${s.id}`}>
      {v.discrepancies.length > 0 && (
        <ul className="manager-claims bad" data-testid={`manager-discrepancies-${s.id}`}>
          {v.discrepancies.map((d) => (
            <li key={`${d.model}|${d.serverId ?? ''}|${d.claim}`}>{describeDiscrepancy(d, now)}</li>
          ))}
        </ul>
      )}
      <dl className="facts">
        <div className="fact wide">
          <dt>Loaded</dt>
          <dd data-testid={`manager-loaded-${s.id}`}>{models.loaded}</dd>
        </div>
        {models.available && (
          <div className="fact wide">
            <dt>Available</dt>
            <dd data-testid={`manager-available-${s.id}`}>{models.available}</dd>
          </div>
        )}
        {kills && (
          <div className="fact wide">
            <dt>OOM kills of its servers</dt>
            <dd data-testid={`manager-kills-${s.id}`}>{kills}</dd>
          </div>
        )}
        {v.api && (
          <div className="fact wide">
            <dt>Its API</dt>
            <dd className="muted small">{v.api.detail}</dd>
          </div>
        )}
      </dl>
      {v.servers.length > 0 && (
        <table className="manager-servers small" data-testid={`manager-servers-${s.id}`}>
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Model</th>
              <th scope="col">Vigil sees</th>
              <th scope="col">{s.label} says</th>
            </tr>
          </thead>
          <tbody>
            {v.servers.map((m) => (
              <tr key={m.id} data-testid={`manager-server-${m.id}`} className={m.oom || m.failedLoad ? 'bad' : undefined}>
                <td>{m.pid}</td>
                <td>{m.model ?? '—'}</td>
                <td>{managedServerState(m, now)}</td>
                <td>{m.says ?? 'not listed'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
