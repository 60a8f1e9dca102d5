export declare function FirstRun(): import("react").JSX.Element;
