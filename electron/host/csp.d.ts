/** `connect` lists extra connect-src sources (the WebSocket origin for the headless host). */
export declare function contentSecurityPolicy(connect?: string[]): string;
