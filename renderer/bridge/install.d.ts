import type { VigilApi } from '../../electron/common/api.js';
declare global {
    interface Window {
        vigil?: VigilApi;
    }
}
/** ws(s)://host/ws?token=… for a page at `pageUrl`; the token may be null (cookie auth). */
export declare function bridgeUrl(pageUrl: string, token: string | null): string;
export declare function installVigilApi(): VigilApi;
