import type { BackendView } from '../../electron/common/state.js';
declare function BackendCardImpl({ b, focused }: {
    b: BackendView;
    focused: boolean;
}): import("react").JSX.Element;
/** Snapshots are fresh objects each push: compare by content so 50 cards don't all re-render. */
export declare const BackendCard: import("react").MemoExoticComponent<typeof BackendCardImpl>;
export {};
