// Model headers read once per file version: a backend in a crash loop, or the
// add-backend form asking on every keystroke, re-reads a header (tens of ms
// for a large vocabulary) only when the file's size or mtime changed.
import { stat } from 'node:fs/promises';
import { loadModel, type LoadedModel } from '../../fit/index.js';

const MAX_MODELS = 16;

export class ModelCache {
  private readonly models = new Map<string, { size: number; mtimeMs: number; model: LoadedModel }>();

  /** The header and shape of `file`, or why they cannot be had. */
  async load(file: string): Promise<LoadedModel | { why: string }> {
    let st: { size: number; mtimeMs: number };
    try {
      st = await stat(file);
    } catch (e) {
      this.models.delete(file);
      // loadModel words the problem with the file's name (no such file, permission).
      return loadModel(file).catch(() => ({ why: `cannot read the model: ${(e as Error).message}` }));
    }
    const hit = this.models.get(file);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.model;
    const model = await loadModel(file);
    if ('why' in model) {
      this.models.delete(file);
      return model;
    }
    this.models.delete(file);
    this.models.set(file, { size: st.size, mtimeMs: st.mtimeMs, model });
    if (this.models.size > MAX_MODELS) this.models.delete(this.models.keys().next().value!);
    return model;
  }
}
