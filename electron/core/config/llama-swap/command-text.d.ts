/** llama-swap's StripComments: drops lines whose first non-blank character is `#`. */
export declare function stripCommentLines(text: string): string;
/** llama-swap's SanitizeCommand: comment lines out, `\`-ended lines joined, then split. Empty → null. */
export declare function sanitizeCommand(text: string): string[] | null;
/** golib shlex.Posix.Split, step for step (a state stack of space/word/quote). */
export declare function shlexPosixSplit(line: string): string[];
