import type { BackendView } from '../../electron/common/state.js';
export declare function FitPanel({ b }: {
    b: BackendView;
}): import("react").JSX.Element | null;
