import { describe, expect, it } from 'vitest';
import type { FitEstimate } from '../../../common/fit.js';
import { gpuOomAdvice } from './gpu-oom-advice.js';

const GiB = 2 ** 30;
const estimate = (over: Partial<FitEstimate>): FitEstimate =>
  ({
    settings: { ctx: 32768, gpuLayers: 33, cacheTypeK: 'f16', cacheTypeV: 'f16', ubatch: 512 },
    budgets: [
      { source: 'MemAvailable', device: 'CPU', available: 50 * GiB, needed: GiB, verdict: 'fits', why: '' },
      { source: 'VRAM', device: 'GPU0', available: 20 * GiB, needed: 23 * GiB, verdict: 'wont-fit', why: '' },
    ],
    ...over,
  }) as unknown as FitEstimate;

describe('advice after a GPU out-of-memory death', () => {
  it('says what was asked, what the fit check predicted on the GPU, and the flags that take memory off it', () => {
    expect(gpuOomAdvice(estimate({}), { device: 'CUDA0', bytes: 9 * GiB })).toBe(
      "CUDA0 could not allocate 9.0 GiB. The fit check predicted 23.0 GiB on GPU0 against 20.0 GiB free VRAM (won't fit). Less on the GPU: fewer layers on the GPU (-ngl 24 instead of 33), or a smaller context (-c 16384), or a quantized KV cache (-ctk q8_0 -ctv q8_0).",
    );
  });
  it('nothing when the prediction had no GPU budget (no GPU seen at start)', () => {
    expect(gpuOomAdvice(estimate({ budgets: [] }), { device: null, bytes: null })).toBeNull();
  });
});
