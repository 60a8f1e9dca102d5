import type { BackendStatus } from '../../electron/common/state.js';
import { statusTone } from '../lib/format.js';

/** Colour and text together: the colour is never the only signal. */
export function StatusBadge({ status, testId }: { status: BackendStatus; testId?: string }) {
  return (
    <span className={`badge tone-${statusTone(status)}`} data-testid={testId} data-status={status}>
      {status}
    </span>
  );
}
