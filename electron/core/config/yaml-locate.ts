// Maps a dotted schema path back to the YAML node it came from, so every
// config error can name file, line and column.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

export interface Located {
  line: number;
  column: number;
  /** How many path segments exist in the document (the rest is missing). */
  depth: number;
}

type Seg = string | number;

function keyText(k: unknown): string | null {
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' || typeof k === 'number' ? String(k) : null;
}

/** Position of `path` (or of its deepest existing ancestor). `atKey` points at the last key rather than its value. */
export function locate(doc: Document, lc: LineCounter, path: readonly Seg[], atKey = false): Located | null {
  let node: unknown = doc.contents;
  let lastKey: Node | null = null;
  let depth = 0;
  for (const seg of path) {
    let next: unknown;
    let key: Node | null = null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
      if (pair) {
        next = pair.value;
        key = (pair.key as Node) ?? null;
        // `key:` with no value: point at the key itself.
        if (next == null) next = pair.key;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      next = node.items[seg];
    }
    if (next == null) break;
    node = next;
    lastKey = key;
    depth++;
  }
  const target = (atKey && depth === path.length && lastKey) || node;
  const range = (target as Node | null)?.range;
  if (!range) return null;
  const pos = lc.linePos(range[0]);
  return { line: pos.line, column: pos.col, depth };
}
