import { describe, expect, it } from 'vitest';
import type { FitPart } from '../../electron/common/fit.js';
import { headlineDetail, partRows, predictionSummary, verdictTone } from './fit-view.js';

describe('fit on the dashboard', () => {
  it('the badge carries the verdict; the text beside it is the rest of the headline', () => {
    expect(headlineDetail({ verdict: 'wont-fit', headline: "won't load — needs 414 MiB (313 MiB anon), limit 256 MiB" })).toBe('needs 414 MiB (313 MiB anon), limit 256 MiB');
    expect(headlineDetail({ verdict: 'killed-on-prompt', headline: 'killed on a long prompt — loads with 150 MiB anon, killed on a prompt of ~5632 tokens; needs 402 MiB at a full context, limit 256 MiB' })).toBe(
      'loads with 150 MiB anon, killed on a prompt of ~5632 tokens; needs 402 MiB at a full context, limit 256 MiB',
    );
    expect(headlineDetail({ verdict: 'unknown', headline: 'no prediction: the command is node, not llama-server' })).toBe('the command is node, not llama-server');
    expect([verdictTone('fits'), verdictTone('tight'), verdictTone('killed-on-prompt'), verdictTone('wont-fit'), verdictTone('unknown')]).toEqual(['ok', 'warn', 'bad', 'bad', 'idle']);
  });

  it('a prediction for the form reads as a card does, and "no prediction" has no figure', () => {
    expect(predictionSummary({ verdict: 'unknown', why: 'llama-server without -m/--model' })).toEqual({ verdict: 'unknown', detail: 'llama-server without -m/--model' });
  });

  it('breakdown rows name the part, where it lives and whether it is file-backed', () => {
    const parts: FitPart[] = [
      { kind: 'weights', device: 'CPU', bytes: 91_244_544, backing: 'file', detail: 'layers 0–3, mmap' },
      { kind: 'kv', device: 'GPU0', bytes: 268_435_456, backing: 'anon', detail: '32768 cells × 4 layers, f16' },
    ];
    expect(partRows(parts)).toEqual([
      { what: 'weights', device: 'CPU', bytes: '87.0 MiB', backing: 'file', detail: 'layers 0–3, mmap' },
      { what: 'KV cache', device: 'GPU0', bytes: '256 MiB', backing: 'anon', detail: '32768 cells × 4 layers, f16' },
    ]);
  });
});
