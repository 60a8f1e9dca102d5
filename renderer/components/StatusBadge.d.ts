import type { BackendStatus } from '../../electron/common/state.js';
/** Colour and text together: the colour is never the only signal. */
export declare function StatusBadge({ status, testId }: {
    status: BackendStatus;
    testId?: string;
}): import("react").JSX.Element;
