export type Seg = string | number;
export interface Found {
    path: Seg[];
    message: string;
}
export interface MacroEntry {
    name: string;
    value: unknown;
}
export declare const MACRO_REF: RegExp;
export declare const ENV_REF: RegExp;
export declare const RESERVED: Set<string>;
type Obj = Record<string, unknown>;
export declare const isObj: (v: unknown) => v is Obj;
/** How Go's fmt %v prints a YAML scalar (floats switch to exponent form outside 1e-4 ≤ |x| < 1e6). */
export declare function goValue(v: unknown): string;
export interface EnvResult {
    value: unknown;
    /** `${env.NAME}` left in place because NAME is unset or unusable. */
    unresolved: {
        path: Seg[];
        name: string;
        why: string;
    }[];
    /** Values with `\` or `"`, which llama-swap escapes for YAML (see envCaveat). */
    escaped: {
        path: Seg[];
        name: string;
    }[];
}
/**
 * Replaces `${env.NAME}` in every string and mapping key of the tree. A name
 * that is unset, or whose value has a line break or NUL (which llama-swap
 * refuses), stays as written and is listed, so the caller decides whether
 * the place it is in matters.
 */
export declare function substituteEnv(tree: unknown, env: NodeJS.ProcessEnv): EnvResult;
/** A `macros:` block in declaration order, with llama-swap's checks. */
export declare function readMacros(v: unknown, path: Seg[]): {
    entries: MacroEntry[];
    problems: Found[];
};
/** MODEL_ID first, then the globals with the model's overrides in place, then the model's new ones. */
export declare function modelMacros(modelId: string, global: MacroEntry[], own: MacroEntry[]): MacroEntry[];
/** Substitutes macros over a whole value tree (mapping keys are left alone), last declared first. */
export declare function substituteMacros(tree: unknown, macros: readonly MacroEntry[]): unknown;
/** `${…}` references still in a string after substitution. */
export declare function leftovers(s: string): {
    macros: string[];
    env: string[];
};
export {};
