import type { BackendView } from '../../electron/common/state.js';
import './llama-panel.css';
export declare function LlamaPanel({ b }: {
    b: BackendView;
}): import("react").JSX.Element | null;
