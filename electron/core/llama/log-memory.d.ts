import type { LlamaBufferKind, LlamaDeviceMemory } from '../../common/llama.js';
/** True for buffers in system RAM: CPU, CPU_Mapped, CPU_REPACK, CUDA_Host, ROCm_Host, Vulkan_Host, AMX, BLAS … */
export declare function isHostBuffer(name: string): boolean;
/** The device a buffer lives on: 'Host' for RAM, else the GPU ('MTL0_Mapped' → 'MTL0'). */
export declare function deviceOf(name: string): string;
export declare class MemoryLedger {
    private buffers;
    private info;
    private fitTable;
    private exitTable;
    private current;
    /** A buffer line; repeated names add up (a SWA and a full KV cache on one device print two lines). */
    addBuffer(name: string, kind: LlamaBufferKind, bytes: number): void;
    noteDevice(device: string, description: string | null, total: number | null, free: number | null): void;
    /** The header line of a breakdown table: rows follow. `estimate` when printed before the model was loaded. */
    tableHeader(estimate: boolean): void;
    /** A line that may be a row of the table being read; false when it is not one. */
    tableRow(text: string): boolean;
    get hasBuffers(): boolean;
    devices(): LlamaDeviceMemory[];
}
