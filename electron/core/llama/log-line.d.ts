export interface LogLine {
    /** The line without its prefixes. */
    text: string;
    /** llama.cpp's level letter when the line carries one ('I', 'W', 'E', 'D'), else null. */
    level: string | null;
}
export declare function normalizeLine(raw: string): LogLine;
/**
 * Bytes of '7.95', 'MiB'. llama.cpp divides by 1024² for both its 'MiB' and
 * its older 'MB' labels, so both are binary here.
 */
export declare function toBytes(value: string, unit: string): number | null;
