import { type LoadedModel } from '../fit/index.js';
export declare class ModelCache {
    private readonly models;
    /** The header and shape of `file`, or why they cannot be had. */
    load(file: string): Promise<LoadedModel | {
        why: string;
    }>;
}
