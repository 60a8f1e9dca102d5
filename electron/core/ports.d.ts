/** A TCP port that was free on 127.0.0.1 a moment ago. */
export declare function pickFreePort(host?: string): Promise<number>;
