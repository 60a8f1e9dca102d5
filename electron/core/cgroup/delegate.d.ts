export declare const SUPERVISOR_LEAF = "supervisor";
export type Claim = {
    ok: true;
    self: string;
    base: string;
} | {
    ok: false;
    reason: string;
};
/** Move `pid` into `<self>/supervisor` and enable memory for `self`'s children (idempotent). */
export declare function claimDelegatedCgroup(self: string, pid?: number): Claim;
