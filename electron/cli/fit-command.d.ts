import type { FitEstimate } from '../common/fit.js';
export declare const FIT_HELP = "usage: vigil fit MODEL.gguf [llama-server flags\u2026] [--memory-limit SIZE] [--json]\n       vigil fit --backend ID [--config P] [--json]\n\nPredicts what llama-server will take with these flags (-c, -np, -ctk/-ctv, -ngl,\n-ub, -fa, --no-mmap, --mlock, --swa-full\u2026), from the model's header only, and\njudges it against MemAvailable, the memory limit and the GPUs. Runs measured\nby 'vigil serve' correct the prediction (state directory: --state-dir D).\nExit code: 0 fits or tight, 3 won't fit, 1 cannot predict, 2 bad usage.\n";
export interface FitIo {
    stdout: {
        write(s: string): unknown;
    };
    stderr: {
        write(s: string): unknown;
    };
    env: NodeJS.ProcessEnv;
}
export declare function formatEstimate(p: FitEstimate): string;
export declare function runFit(args: string[], io: FitIo): Promise<number>;
