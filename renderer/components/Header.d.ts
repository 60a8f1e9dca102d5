export declare function Header(): import("react").JSX.Element;
