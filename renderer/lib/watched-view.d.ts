import { watchedZombieNote, type WatchAction, type WatchStatus, type WatchedServer } from '../../electron/common/watch.js';
import { type Tone } from './format.js';
export interface WatchedFact {
    label: string;
    text: string;
    /** data-testid suffix, so specs find a fact without relying on its position. */
    key: string;
    /** A sentence or a path: given the card's whole width. */
    wide?: boolean;
}
export declare function watchedTone(status: WatchStatus): Tone;
/** Trouble first (zombies, then unhealthy), then running, then the recently gone; by pid within each. */
export declare function sortWatched(list: readonly WatchedServer[]): WatchedServer[];
/** The facts of the card, in order; a fact Vigil does not know is left out rather than shown as a dash. */
export declare function watchedFacts(s: WatchedServer): WatchedFact[];
/** The buttons the card shows (the tray offers the same), each allowed or not (with why) by watchActions. */
export declare function watchedButtons(s: WatchedServer, uid: number): WatchAction[];
/** Why Vigil offers nothing for a zombie: it says so instead of showing a Reap button it could not honour. */
export declare const zombieNote: typeof watchedZombieNote;
