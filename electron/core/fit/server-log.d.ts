export interface BufferFigure {
    /** llama.cpp's buffer name: 'CPU_Mapped', 'CPU_REPACK', 'CPU', 'CUDA0', 'CUDA_Host'… */
    buffer: string;
    bytes: number;
}
export interface ServerMemoryLog {
    model: BufferFigure[];
    kv: BufferFigure[];
    /** Recurrent state (SSM/RWKV layers). */
    recurrent: BufferFigure[];
    output: BufferFigure[];
    compute: BufferFigure[];
    /** The last breakdown table's Host row, bytes (llama.cpp prints whole MiB). */
    host: {
        model: number;
        context: number;
        compute: number;
    } | null;
}
/** The figures in a llama-server log, or null when it printed none (default verbosity). */
export declare function parseServerMemoryLog(text: string): ServerMemoryLog | null;
export declare const sumBytes: (xs: readonly BufferFigure[], filter?: (b: string) => boolean) => number;
