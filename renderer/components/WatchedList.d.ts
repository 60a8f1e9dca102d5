export declare function WatchedList(): import("react").JSX.Element | null;
