import type { Dialog, MessageBoxOptions, Shell } from 'electron';
import { type InstanceLockedError } from '../core/vigil.js';
export interface InstanceLockedDeps {
    dialog: Pick<Dialog, 'showMessageBox'>;
    shell: Pick<Shell, 'openExternal'>;
}
export type InstanceLockedChoice = 'opened-dashboard' | 'quit';
/** The message box for this refusal: an Open button only when the holder published a URL. */
export declare function instanceLockedBox(err: Pick<InstanceLockedError, 'stateDir' | 'holder'>): MessageBoxOptions;
/** Shows the box and does what the user picks; resolves once done (the caller then quits). */
export declare function offerRunningInstance(deps: InstanceLockedDeps, err: Pick<InstanceLockedError, 'stateDir' | 'holder'>): Promise<InstanceLockedChoice>;
