// The add-backend form's "will it fit?": the host's prediction for the
// command and memory limit as typed, asked again a moment after typing stops.
import { useEffect, useState } from 'react';
import type { PredictFitRequest } from '../../electron/common/api.js';
import type { FitPrediction } from '../../electron/common/fit.js';
import { verdictWord } from '../../electron/common/fit-view.js';
import { predictRequestOf, type BackendFormFields } from '../lib/backend-form.js';
import { predictionSummary, verdictTone } from '../lib/fit-view.js';
import { useApi } from '../store/store.js';

const DEBOUNCE_MS = 400;

export function FitPreview({ fields }: { fields: Pick<BackendFormFields, 'argv' | 'memoryLimit'> }) {
  const api = useApi();
  const [answer, setAnswer] = useState<{ p: FitPrediction } | { error: string } | null>(null);
  const req = predictRequestOf(fields);
  // The request as text: the effect runs again only when what is typed changes it.
  const key = JSON.stringify(req);
  useEffect(() => {
    const r = JSON.parse(key) as PredictFitRequest | null;
    if (!r) {
      setAnswer(null);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      api.predictFit(r).then(
        (p) => live && setAnswer({ p }),
        (e: unknown) => live && setAnswer({ error: (e as Error).message }),
      );
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [key, api]);
  if (!req || !answer) return null;
  if ('error' in answer) {
    return (
      <p className="fit muted small" data-testid="fit-preview" role="status">
        Will it fit? {answer.error}
      </p>
    );
  }
  const s = predictionSummary(answer.p);
  return (
    <p className="fit" data-testid="fit-preview" role="status">
      Will it fit?{' '}
      <span className={`badge tone-${verdictTone(s.verdict)}`} data-testid="fit-preview-verdict">
        {verdictWord(s.verdict)}
      </span>{' '}
      {s.detail}
    </p>
  );
}
