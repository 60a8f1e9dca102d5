// Which of a card's command buttons are enabled, from the one command table
// (electron/common/commands.ts) that the tray and REST also read.
import { BACKEND_COMMANDS, commandRefusal, type BackendCommand, type CommandSubject } from '../../electron/common/commands.js';

export interface CardAction {
  command: BackendCommand;
  enabled: boolean;
  /** Why the button is disabled (its tooltip), null when enabled. */
  refusal: string | null;
}

/** The card's buttons in order; all disabled while one of its commands is in flight. */
export function cardActions(b: CommandSubject, inFlight: BackendCommand | null): CardAction[] {
  return BACKEND_COMMANDS.map((command) => {
    const refusal = inFlight !== null ? `${inFlight} in progress` : commandRefusal(command, b);
    return { command, enabled: refusal === null, refusal };
  });
}
