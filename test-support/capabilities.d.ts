/** A check returns null when the capability is there, else why it is not. */
export type CapabilityCheck = () => string | null;
export declare const REQUIRE_ENV = "VIGIL_REQUIRE_PRIVILEGED_TESTS";
export declare const required: () => boolean;
export declare const isRoot: CapabilityCheck;
export declare const cgroupV1Memory: CapabilityCheck;
export declare const kmsgReadable: CapabilityCheck;
export declare const all: (...checks: CapabilityCheck[]) => CapabilityCheck;
/** A real kernel OOM kill in a memory cgroup, seen in the kernel log. */
export declare const oomCapability: CapabilityCheck;
export type Verdict = {
    action: 'run';
} | {
    action: 'fail';
    message: string;
} | {
    action: 'skip';
    reason: string;
};
/** Run, skip (reason printed by the caller's framework), or fail because CI requires the capability. */
export declare function verdict(check: CapabilityCheck): Verdict;
