// What a llama-server backend is doing, on its card: load phase, model and
// context, memory per device (weights, KV cache, compute, other) with where
// the figures come from, slots and throughput, the last generation probe,
// and the reason its log gives for the last exit, beside the kernel's view
// the card shows. Nothing for other backends; absent figures are left out.
import type { ReactNode } from 'react';
import type { LlamaView } from '../../electron/common/llama.js';
import type { BackendView } from '../../electron/common/state.js';
import { formatBytes } from '../../electron/common/format.js';
import {
  contextText,
  isCurrent,
  lastExitReason,
  memoryRows,
  modelText,
  phaseText,
  probeText,
  procMemoryText,
  slotsText,
  throughputText,
  type DeviceMemory,
} from '../lib/llama-figures.js';
import { useNow } from '../store/store.js';
import './llama-panel.css';

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="llama-row">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function Device({ d, id }: { d: DeviceMemory; id: string }) {
  return (
    <div className="llama-device" data-testid={`llama-mem-${id}-${d.key}`}>
      <div className="llama-device-head">
        <strong>{d.label}</strong> {formatBytes(d.total)} <span className="muted">— {d.source}</span>
      </div>
      <div className="llama-bar" aria-hidden="true">
        {d.parts.map((p) => (
          <span key={p.kind} className={`llama-part part-${p.kind}`} style={{ flexGrow: p.bytes }} />
        ))}
      </div>
      <ul className="llama-parts">
        {d.parts.map((p) => (
          <li key={p.kind}>
            <span className={`llama-swatch part-${p.kind}`} aria-hidden="true" />
            {p.label} {p.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Probe({ l, id }: { l: LlamaView; id: string }) {
  const now = useNow((s) => s.now);
  const p = probeText(l.lastProbe, now);
  return p === null ? null : (
    <Row label="Generation probe" testId={`llama-probe-${id}`}>
      <span className={`probe-${p.tone}`}>{p.text}</span>
    </Row>
  );
}

export function LlamaPanel({ b }: { b: BackendView }) {
  const l = b.llama;
  if (!l) return null;
  const id = b.id;
  const phase = phaseText(b, l);
  const model = modelText(l);
  const context = contextText(l);
  const rows = memoryRows(l);
  const proc = procMemoryText(b, l);
  // What the server was doing is news only while it runs; a dead one's last readings would mislead.
  const current = isCurrent(b);
  const slots = current ? slotsText(l) : null;
  const throughput = current ? throughputText(l) : null;
  const death = lastExitReason(b, l);
  return (
    <section className="llama" data-testid={`llama-${id}`} aria-label={`llama-server ${b.name}`}>
      <h4>
        llama-server
        {phase ? (
          <span className="llama-phase" data-testid={`llama-phase-${id}`}>
            {' '}
            · {phase}
          </span>
        ) : (
          !current && (l.memory.length > 0 || model) && <span className="muted"> · last run</span>
        )}
      </h4>
      {/* Right under the card's line for the last exit: the kernel's view, then the server's own. */}
      {death && (
        <p className="llama-death" data-testid={`llama-death-${id}`}>
          Its log says: <strong>{death.summary}</strong>
          <code className="llama-line" title="the log line this was read from">{death.line}</code>
        </p>
      )}
      <dl className="llama-rows">
        {model && <Row label="Model">{model}</Row>}
        {context && <Row label="Context">{context}</Row>}
        {slots && <Row label="Slots" testId={`llama-slots-${id}`}>{slots}</Row>}
        {throughput && (
          <Row label="Throughput" testId={`llama-throughput-${id}`}>
            <span title="llama-server's own averages over the interval since Vigil's previous read of its /metrics">{throughput}</span>
          </Row>
        )}
        {current && <Probe l={l} id={id} />}
      </dl>
      {rows.length > 0 && (
        <div className="llama-memory" data-testid={`llama-memory-${id}`}>
          {rows.map((d) => (
            <Device key={d.key} d={d} id={id} />
          ))}
        </div>
      )}
      {proc?.text && (
        <p className="llama-proc" data-testid={`llama-proc-${id}`}>
          Memory: {proc.text}
        </p>
      )}
      {proc?.hint && (
        <p className="llama-hint muted" data-testid={`llama-hint-${id}`}>
          {proc.hint}
        </p>
      )}
    </section>
  );
}
