import type { LlamaDeathReason } from '../../common/llama.js';
/**
 * The death reason in the last lines of a log (oldest first), or null when
 * they say nothing this knows. Vigil's own '[vigil] ' lines are skipped.
 */
export declare function classifyDeath(lines: readonly string[]): LlamaDeathReason | null;
