import { type RequestName, type VigilService } from '../common/api.js';
export declare class RequestError extends Error {
    /** Dotted path of the offending field, null when the payload as a whole is wrong. */
    readonly field: string | null;
    constructor(message: string, 
    /** Dotted path of the offending field, null when the payload as a whole is wrong. */
    field: string | null);
}
export declare function isRequestName(name: unknown): name is RequestName;
/** Parses the payload of `name`; throws RequestError naming the field. */
export declare function validateRequest(name: RequestName, payload: unknown): unknown;
/** Validates then calls the service method of that name. */
export declare function dispatch(service: VigilService, name: RequestName, payload: unknown): Promise<unknown>;
