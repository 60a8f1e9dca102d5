// What the fit check can say after a GPU out-of-memory death: what it
// predicted on the GPUs against what was free there, and which flags take
// memory off the GPU. (The option search after a kernel OOM kill, over host
// memory, is advice.ts's.)
import type { FitEstimate } from '../../../common/fit.js';
import { formatBytes } from '../../../common/format.js';

export function gpuOomAdvice(p: FitEstimate, gpu: { device: string | null; bytes: number | null }): string | null {
  const budgets = p.budgets.filter((b) => b.source === 'VRAM' || b.source === 'GTT');
  if (budgets.length === 0) return null;
  const asked = gpu.bytes !== null ? `${gpu.device ?? 'the GPU'} could not allocate ${formatBytes(gpu.bytes)}` : `${gpu.device ?? 'the GPU'} ran out of memory`;
  const predicted = budgets.map((b) => `${formatBytes(b.needed)} on ${b.device} against ${formatBytes(b.available)} ${b.source === 'GTT' ? 'free GTT' : 'free VRAM'} (${b.verdict === 'wont-fit' ? "won't fit" : b.verdict})`).join('; ');
  const layers = p.settings.gpuLayers;
  const levers = [
    layers > 0 ? `fewer layers on the GPU (-ngl ${Math.max(0, Math.floor(layers * 0.75))} instead of ${layers})` : null,
    `a smaller context (-c ${Math.max(512, Math.floor(p.settings.ctx / 2))})`,
    p.settings.cacheTypeK === 'f16' ? 'a quantized KV cache (-ctk q8_0 -ctv q8_0)' : null,
    p.settings.ubatch > 512 ? `a smaller micro-batch (-ub 512: smaller compute buffers)` : null,
  ].filter((x): x is string => x !== null);
  return `${asked}. The fit check predicted ${predicted}. Less on the GPU: ${levers.join(', or ')}.`;
}
