// What changed between two state snapshots, in the state's own shape: the
// lists (backends, watched servers, events, OOM kills) by their keys, an item
// by its changed fields, anything else as a replaced top-level field. The
// hosts send a client one snapshot, then only these; the client applies them
// keeping every unchanged object as it was, so a view of a backend that did
// not change sees the same object and need not render again.
// Runs everywhere (core, hosts, the sandboxed preload, the browser): no imports
// but types.
import type { VigilState } from './state.js';

type Key = string | number;
type Item = Record<string, unknown>;

/** Each keyed list of the state and the field that names its items. */
const LIST_KEYS = { backends: 'id', watched: 'id', ooms: 'id', events: 'seq' } as const;
type ListField = keyof typeof LIST_KEYS;

export interface ItemChange {
  key: Key;
  /** Changed fields, each whole. */
  set?: Item;
  /** Fields the item no longer has. */
  unset?: string[];
}

export interface ListDelta {
  /** Keys no longer in the list. */
  remove?: Key[];
  /** New items, whole, in list order, placed after the kept ones. */
  add?: Item[];
  change?: ItemChange[];
  /** The new order of keys, only when it is not "the kept ones in their old order, then `add`". */
  order?: Key[];
}

export interface StateDelta {
  /** Top-level fields replaced whole. */
  set?: Partial<Omit<VigilState, ListField>>;
  /** Top-level fields gone (none today; a field made optional later stays correct). */
  unset?: string[];
  lists?: Partial<Record<ListField, ListDelta>>;
}

const isList = (k: string): k is ListField => Object.hasOwn(LIST_KEYS, k);

/** Equal as JSON: the same primitives, arrays and plain objects (key order aside). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Item)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Item)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameJson((a as Item)[k], (b as Item)[k]));
}

function itemChange(key: Key, prev: Item, next: Item): ItemChange | null {
  if (prev === next) return null;
  let set: Item | undefined;
  let unset: string[] | undefined;
  for (const f of Object.keys(next)) {
    if (next[f] === undefined) continue;
    if (!sameJson(prev[f], next[f])) (set ??= {})[f] = next[f];
  }
  for (const f of Object.keys(prev)) if (prev[f] !== undefined && next[f] === undefined) (unset ??= []).push(f);
  if (!set && !unset) return null;
  return { key, ...(set ? { set } : {}), ...(unset ? { unset } : {}) };
}

function keysOf(list: readonly Item[], keyField: string): Key[] | null {
  const keys = list.map((it) => it[keyField] as Key);
  return new Set(keys).size === keys.length ? keys : null;
}

/** The list's changes by key; undefined when nothing changed; null when its keys are not unique (then it goes whole). */
function listDelta(prev: readonly Item[], next: readonly Item[], keyField: string): ListDelta | undefined | null {
  if (prev === next) return undefined;
  const prevKeys = keysOf(prev, keyField);
  const nextKeys = keysOf(next, keyField);
  if (!prevKeys || !nextKeys) return null;
  const before = new Map(prevKeys.map((k, i) => [k, prev[i]!]));
  const nextSet = new Set(nextKeys);
  const d: ListDelta = {};
  const remove = prevKeys.filter((k) => !nextSet.has(k));
  const add: Item[] = [];
  const change: ItemChange[] = [];
  next.forEach((it, i) => {
    const was = before.get(nextKeys[i]!);
    if (!was) add.push(it);
    else {
      const c = itemChange(nextKeys[i]!, was, it);
      if (c) change.push(c);
    }
  });
  if (remove.length) d.remove = remove;
  if (add.length) d.add = add;
  if (change.length) d.change = change;
  const kept = prevKeys.filter((k) => nextSet.has(k));
  const implied = [...kept, ...add.map((it) => it[keyField] as Key)];
  if (!sameJson(implied, nextKeys)) d.order = nextKeys;
  return Object.keys(d).length ? d : undefined;
}

/**
 * The delta from `prev` to `next`, or null when nothing a client shows
 * changed: a snapshot that differs only in its own `time` is not news.
 */
export function diffState(prev: VigilState, next: VigilState): StateDelta | null {
  if (prev === next) return null;
  const p = prev as unknown as Item;
  const n = next as unknown as Item;
  const set: Item = {};
  const unset: string[] = [];
  const lists: Partial<Record<ListField, ListDelta>> = {};
  for (const k of Object.keys(n)) {
    if (n[k] === undefined) continue;
    if (isList(k) && Array.isArray(p[k]) && Array.isArray(n[k])) {
      const d = listDelta(p[k] as Item[], n[k] as Item[], LIST_KEYS[k]);
      if (d === null) set[k] = n[k];
      else if (d) lists[k] = d;
    } else if (!sameJson(p[k], n[k])) set[k] = n[k];
  }
  for (const k of Object.keys(p)) if (p[k] !== undefined && n[k] === undefined) unset.push(k);
  const news = Object.keys(set).some((k) => k !== 'time') || unset.length > 0 || Object.keys(lists).length > 0;
  if (!news) return null;
  return {
    ...(Object.keys(set).length ? { set: set as StateDelta['set'] } : {}),
    ...(unset.length ? { unset } : {}),
    ...(Object.keys(lists).length ? { lists } : {}),
  };
}

export class DeltaError extends Error {}

function applyList(prev: readonly Item[], d: ListDelta, keyField: string): Item[] {
  const removed = new Set(d.remove ?? []);
  const changes = new Map((d.change ?? []).map((c) => [c.key, c]));
  const out: Item[] = [];
  for (const it of prev) {
    const key = it[keyField] as Key;
    if (removed.has(key)) continue;
    const c = changes.get(key);
    if (!c) {
      out.push(it);
      continue;
    }
    changes.delete(key);
    const next: Item = { ...it, ...c.set };
    for (const f of c.unset ?? []) delete next[f];
    out.push(next);
  }
  if (changes.size) throw new DeltaError(`a change for ${[...changes.keys()].map(String).join(', ')}, which the list does not hold`);
  out.push(...(d.add ?? []));
  if (!d.order) return out;
  const byKey = new Map(out.map((it) => [it[keyField] as Key, it]));
  if (byKey.size !== d.order.length) throw new DeltaError(`an order of ${d.order.length} keys for a list of ${byKey.size}`);
  return d.order.map((k) => {
    const it = byKey.get(k);
    if (!it) throw new DeltaError(`an order naming ${String(k)}, which the list does not hold`);
    return it;
  });
}

/** `state` with `delta` applied; every object the delta does not touch is kept as it was. Throws DeltaError when the delta does not fit. */
export function applyDelta(state: VigilState, delta: StateDelta): VigilState {
  const next = { ...state, ...delta.set } as unknown as Item;
  for (const k of delta.unset ?? []) delete next[k];
  for (const [k, d] of Object.entries(delta.lists ?? {}) as [ListField, ListDelta][]) {
    const cur = next[k];
    if (!Array.isArray(cur)) throw new DeltaError(`a change to ${k}, which is not a list here`);
    next[k] = applyList(cur as Item[], d, LIST_KEYS[k]);
  }
  return next as unknown as VigilState;
}

/** A versioned state message: a snapshot, or the delta from version `from` (always version - 1). */
export type StateMessage = { version: number; state: VigilState } | { version: number; from: number; delta: StateDelta };

export const isSnapshot = (m: StateMessage): m is { version: number; state: VigilState } => 'state' in m;
