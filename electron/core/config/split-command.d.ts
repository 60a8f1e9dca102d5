export declare class CommandSplitError extends Error {
    /** 0-based offset in the string where the problem starts. */
    readonly offset: number;
    constructor(message: string, 
    /** 0-based offset in the string where the problem starts. */
    offset: number);
}
export declare function splitCommand(s: string): string[];
