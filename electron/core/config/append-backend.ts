// The dashboard's "add backend": one backend appended to the config file with
// yaml's Document API, so the user's comments and layout survive. The entry
// is checked against the same schema as the file before anything is written,
// and the file is replaced atomically (tmp + rename); the watcher then
// reloads it like any other edit.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { CommandResult } from '../../common/api.js';
import { BackendSchema } from '../../common/config-schema.js';

export function appendBackend(file: string, id: string, config: Record<string, unknown>): CommandResult {
  const parsed = BackendSchema.safeParse(config);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return { ok: false, message: `backends.${id}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}` };
  }
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const doc = parseDocument(text);
  if (doc.errors.length) return { ok: false, message: `${file}: cannot add to a file with YAML errors (${doc.errors[0]!.message})` };
  if (doc.hasIn(['backends', id])) return { ok: false, message: `backend '${id}' already exists in ${file}` };
  if (!doc.has('backends') || doc.get('backends') === null) doc.set('backends', doc.createNode({}));
  doc.setIn(['backends', id], doc.createNode(config));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, doc.toString());
  renameSync(tmp, file);
  return { ok: true, message: `added backend '${id}' to ${file}` };
}
