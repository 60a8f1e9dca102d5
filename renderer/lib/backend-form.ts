// The first-run "add a backend" form → an AddBackendRequest, validated with the
// same per-backend schema the core applies to the config file (BackendSchema),
// so the form and the file cannot disagree; each issue is shown on its field.
import { z } from 'zod';
import { AddBackendRequest, BackendId, type PredictFitRequest } from '../../electron/common/api.js';
import type { FitPolicy } from '../../electron/common/fit.js';
import { BackendSchema } from '../../electron/common/config-schema.js';

export interface BackendFormFields {
  id: string;
  /** One argument per line: no shell, no quoting rules to get wrong. */
  argv: string;
  port: string;
  healthPath: string;
  policy: 'always' | 'on-failure' | 'never';
  memoryLimit: string;
  /** What a start does with a prediction that it won't fit (default warn). */
  fitPolicy?: FitPolicy;
}

export const EMPTY_FORM: BackendFormFields = { id: '', argv: '', port: 'auto', healthPath: '/health', policy: 'on-failure', memoryLimit: '', fitPolicy: 'warn' };

/** The command and limit as typed, for "will it fit?"; null while there is no command. */
export function predictRequestOf(f: Pick<BackendFormFields, 'argv' | 'memoryLimit'>): PredictFitRequest | null {
  const cmd = f.argv.split('\n').map((a) => a.trim()).filter((a) => a !== '');
  if (cmd.length === 0) return null;
  const mem = f.memoryLimit.trim();
  return mem === '' ? { cmd } : { cmd, memoryLimit: mem };
}

export type FormResult = { ok: true; request: AddBackendRequest } | { ok: false; errors: Partial<Record<keyof BackendFormFields, string>> };

/** Schema path → the form field that edits it. */
function fieldOf(path: readonly PropertyKey[]): keyof BackendFormFields {
  switch (path[0]) {
    case 'cmd':
      return 'argv';
    case 'port':
      return 'port';
    case 'health':
      return 'healthPath';
    case 'restart':
      return 'policy';
    case 'memoryLimit':
      return 'memoryLimit';
    case 'fit':
      return 'fitPolicy';
    default:
      return 'id';
  }
}

export function buildAddBackend(f: BackendFormFields): FormResult {
  const errors: Partial<Record<keyof BackendFormFields, string>> = {};
  const id = BackendId.safeParse(f.id.trim());
  if (!id.success) errors.id = id.error.issues[0]?.message ?? 'invalid id';
  const argv = f.argv.split('\n').map((a) => a.trim()).filter((a) => a !== '');
  if (argv.length === 0) errors.argv = 'command: give the program path on the first line, then one argument per line';
  let port: number | 'auto' = 'auto';
  const p = f.port.trim();
  if (p !== '' && p !== 'auto') {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 1 || n > 65535) errors.port = 'port: a number 1–65535, or "auto"';
    else port = n;
  }
  const health = f.healthPath.trim();
  const mem = f.memoryLimit.trim();
  const config: Record<string, unknown> = {
    cmd: argv,
    port,
    health: { path: health === '' ? 'none' : health },
    restart: { policy: f.policy },
  };
  if (mem !== '') config.memoryLimit = mem;
  if (f.fitPolicy === 'refuse') config.fit = { policy: 'refuse' };
  // Send what the user wrote (the host parses it again); check it here first.
  const parsed = BackendSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOf(issue.path);
      if (field === 'argv' && argv.length === 0) continue; // already explained above
      errors[field] ??= `${issue.path.join('.') || 'backend'}: ${issue.message}`;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const req = AddBackendRequest.safeParse({ id: f.id.trim(), config });
  if (!req.success) return { ok: false, errors: { id: z.prettifyError(req.error) } };
  return { ok: true, request: req.data };
}
