import type { WebSocketServer } from 'ws';
import type { VigilService } from '../common/api.js';
import type { ServerMessage } from '../common/ws-protocol.js';
export interface Bridge {
    /** Push something to every client (e.g. focus). */
    broadcast(msg: ServerMessage): void;
    close(): void;
}
export interface AttachableBridge extends Bridge {
    /** Serves the connections of this WebSocket server. */
    attach(wss: WebSocketServer): void;
}
export declare function createBridge(service: VigilService, log: (msg: string) => void): AttachableBridge;
