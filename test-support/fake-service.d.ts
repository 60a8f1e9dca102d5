import type { LogChunk, VigilService } from '../electron/common/api.js';
import type { BackendView, VigilState } from '../electron/common/state.js';
export declare function backend(id: string, over?: Partial<BackendView>): BackendView;
export declare function baseState(backends: BackendView[]): VigilState;
export interface FakeService extends VigilService {
    calls: {
        method: string;
        req: unknown;
    }[];
    setState(s: VigilState): void;
    pushLog(chunk: LogChunk): void;
    stateSubscribers(): number;
}
export declare function fakeService(initial: VigilState): FakeService;
