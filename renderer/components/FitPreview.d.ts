import { type BackendFormFields } from '../lib/backend-form.js';
export declare function FitPreview({ fields }: {
    fields: Pick<BackendFormFields, 'argv' | 'memoryLimit'>;
}): import("react").JSX.Element | null;
