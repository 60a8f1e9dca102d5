export declare function OomTimeline(): import("react").JSX.Element | null;
