import { AddBackendRequest, type PredictFitRequest } from '../../electron/common/api.js';
import type { FitPolicy } from '../../electron/common/fit.js';
export interface BackendFormFields {
    id: string;
    /** One argument per line: no shell, no quoting rules to get wrong. */
    argv: string;
    port: string;
    healthPath: string;
    policy: 'always' | 'on-failure' | 'never';
    memoryLimit: string;
    /** What a start does with a prediction that it won't fit (default warn). */
    fitPolicy?: FitPolicy;
}
export declare const EMPTY_FORM: BackendFormFields;
/** The command and limit as typed, for "will it fit?"; null while there is no command. */
export declare function predictRequestOf(f: Pick<BackendFormFields, 'argv' | 'memoryLimit'>): PredictFitRequest | null;
export type FormResult = {
    ok: true;
    request: AddBackendRequest;
} | {
    ok: false;
    errors: Partial<Record<keyof BackendFormFields, string>>;
};
export declare function buildAddBackend(f: BackendFormFields): FormResult;
