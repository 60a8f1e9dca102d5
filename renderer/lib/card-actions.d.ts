import { type BackendCommand, type CommandSubject } from '../../electron/common/commands.js';
export interface CardAction {
    command: BackendCommand;
    enabled: boolean;
    /** Why the button is disabled (its tooltip), null when enabled. */
    refusal: string | null;
}
/** The card's buttons in order; all disabled while one of its commands is in flight. */
export declare function cardActions(b: CommandSubject, inFlight: BackendCommand | null): CardAction[];
