/** The text after the last start note, or '' when the file cannot be read or has none. */
export declare function currentRunLog(file: string, maxBytes?: number): string;
