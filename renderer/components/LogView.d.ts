export declare function LogView(): import("react").JSX.Element;
