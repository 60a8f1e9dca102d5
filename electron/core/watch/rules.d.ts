import type { WatchMatch, WatchRule } from '../../common/watch-schema.js';
export interface CompiledMatch {
    cmdline: RegExp | null;
    /** Absolute path (compared with /proc/<pid>/exe) or bare name (compared with basenames). */
    exe: string | null;
    unit: string | null;
    port: number | null;
}
export interface CompiledRule extends CompiledMatch {
    name: string;
    health: string | null;
}
/** What a rule may ask about a process; lazy where a read is needed. */
export interface ProcessFacts {
    argv: readonly string[];
    comm: string;
    exe(): string | null;
    unit(): string | null;
    /** Ports it listens on; null when unknown (then a port condition is decided elsewhere). */
    ports: readonly number[] | null;
}
export declare const compileRule: (r: WatchRule) => CompiledRule;
export declare const compileIgnore: (m: WatchMatch) => CompiledMatch;
/** Does the process meet every condition? A port condition with unknown ports counts as not met. */
export declare function matches(m: CompiledMatch, f: ProcessFacts): boolean;
