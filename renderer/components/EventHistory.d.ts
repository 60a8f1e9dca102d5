export declare function EventHistory({ id }: {
    id: string;
}): import("react").JSX.Element;
