import { type VigilState } from '../common/state.js';
export interface MetricsExporter {
    render(): Promise<{
        contentType: string;
        body: string;
    }>;
}
export declare function createMetrics(getState: () => VigilState): MetricsExporter;
