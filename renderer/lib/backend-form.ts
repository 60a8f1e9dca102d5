// The first-run "add a backend" form → an AddBackendRequest. Field names follow
// the config file (cmd, port, health.path, restart.policy, memoryLimit) so the
// host validates it with the same per-backend schema it applies to the file;
// here we only catch what the user can fix in the form, with the field named.
import { z } from 'zod';
import { AddBackendRequest, BackendId } from '../../electron/common/api.js';

export interface BackendFormFields {
  id: string;
  /** One argument per line: no shell, no quoting rules to get wrong. */
  argv: string;
  port: string;
  healthPath: string;
  policy: 'always' | 'on-failure' | 'never';
  memoryLimit: string;
}

export const EMPTY_FORM: BackendFormFields = { id: '', argv: '', port: 'auto', healthPath: '/health', policy: 'on-failure', memoryLimit: '' };

export type FormResult = { ok: true; request: AddBackendRequest } | { ok: false; errors: Partial<Record<keyof BackendFormFields, string>> };

const SIZE = /^\d+(\.\d+)?\s*(B|K|KB|KiB|M|MB|MiB|G|GB|GiB|T|TB|TiB)?$/i;

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
  if (health !== '' && !health.startsWith('/')) errors.healthPath = 'health path: must start with "/" (e.g. /health), or be empty for no probe';
  const mem = f.memoryLimit.trim();
  if (mem !== '' && !SIZE.test(mem)) errors.memoryLimit = 'memory limit: a size such as 8GiB or 512MiB, or empty for none';
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  const config: Record<string, unknown> = {
    cmd: argv,
    port,
    health: { path: health === '' ? null : health },
    restart: { policy: f.policy },
  };
  if (mem !== '') config.memoryLimit = mem;
  const req = AddBackendRequest.safeParse({ id: f.id.trim(), config });
  if (!req.success) return { ok: false, errors: { id: z.prettifyError(req.error) } };
  return { ok: true, request: req.data };
}
