// Whether a command is llama-server, and its flags read the way llama.cpp
// reads them (common/arg.cpp): `_` in a long flag reads as `-`, and a flag
// given twice keeps its last value. The supervisor's llama feed, the fit
// prediction and the watch catalog all ask here, so a command is the same
// server with the same flags to each of them.
import path from 'node:path';

const LLAMA_SERVER = /^llama-server(?:\.exe)?$/i;

/** The program (a path or a bare name) is llama-server. */
export function isLlamaServerProgram(program: string | undefined): boolean {
  return program !== undefined && LLAMA_SERVER.test(path.basename(program));
}

/**
 * A configured command is llama-server: `llama: true|false` in the config
 * decides (a wrapper script that runs it, say); unset, its program's name.
 */
export function isLlamaServerCommand(argv: readonly string[], llama?: boolean | null): boolean {
  return typeof llama === 'boolean' ? llama : isLlamaServerProgram(argv[0]);
}

/** A flag as llama.cpp matches it: a long flag's `_` reads as `-`. */
export const normaliseFlag = (arg: string): string => (arg.startsWith('--') ? arg.replace(/_/g, '-') : arg);

/**
 * The value of the last of `names` in `args` (the arguments after the
 * program), given as `--flag V`, or `--flag=V` as wrappers accept; null when
 * absent.
 */
export function lastFlagValue(args: readonly string[], ...names: string[]): string | null {
  for (let i = args.length - 1; i >= 0; i--) {
    const a = normaliseFlag(args[i]!);
    for (const n of names) {
      if (a.startsWith(`${n}=`)) return args[i]!.slice(n.length + 1);
      if (a === n && i + 1 < args.length) return args[i + 1]!;
    }
  }
  return null;
}
