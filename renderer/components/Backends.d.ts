export declare function Backends(): import("react").JSX.Element;
