import type { CgroupFactory } from '../supervisor/types.js';
export declare function cgroupSupport(stateDir: string, procRoot?: string): {
    factory: CgroupFactory | null;
    why: string;
};
