import { type ReapResult } from '../../../native-bindings/process.js';
import type { ExitInfo, OomKill } from '../../common/state.js';
/**
 * ExitInfo from reap() (`collected`: the zombie is gone) or peekExit() (it
 * stays for the user to reap); `unknown` is the reason when no status could
 * be read.
 */
export declare function exitFromWait(pid: number, r: ReapResult | null, unknown: string, collected?: boolean): ExitInfo;
/** Which notice said it was an OOM kill, in the exit's reason: the kernel log, the journal, or the backend's cgroup counter (null: the counter). */
export declare function oomHow(kill: Pick<OomKill, 'source'> | null): string;
/** The same exit, now known to be the OOM killer's doing (`how`: which source said so). */
export declare function withOom(exit: ExitInfo, kill: OomKill | null, how: string): ExitInfo;
/** The same exit with more said about it: a note ('zombie awaiting reap') or what its log explains ('CUDA out of memory'). */
export declare function withNote(exit: ExitInfo, note: string, sep?: string): ExitInfo;
