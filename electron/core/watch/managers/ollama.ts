// Ollama (≥ 0.30 runs llama.cpp's llama-server for GGUF models): its
// children run `llama-server --model <models>/blobs/sha256-<hex> --port N …`
// in Ollama's process group. GET /api/ps lists what it holds loaded:
// `models[]` of `{ name, model, digest, size, size_vram, expires_at }`, and
// keeps listing a model whose server was killed until its next request.
// The blob a server loads is named through Ollama's own manifests
// (`<models>/manifests/<host>/<namespace>/<model>/<tag>`, whose sha256 is
// the digest /api/ps reports).
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ManagerClaim } from '../../../common/watch.js';
import { flagValue } from '../catalog.js';
import { field, list, str } from './json.js';
import type { ManagerAdapter, ManagerReading } from './types.js';

export function readPs(body: unknown): ManagerReading | null {
  const models = field(body, 'models');
  if (!Array.isArray(models)) return null;
  const claims: ManagerClaim[] = [];
  for (const m of list(models)) {
    const model = str(field(m, 'name')) ?? str(field(m, 'model'));
    if (!model) continue;
    const digest = str(field(m, 'digest'));
    const hex = digest?.replace(/^sha256:/, '');
    claims.push({ model, state: 'loaded', alive: true, pid: null, port: null, exitCode: null, failed: false, says: 'loaded', ...(hex ? { digest: hex } : {}) });
  }
  return { claims, available: [] };
}

const MODEL_LAYER = 'application/vnd.ollama.image.model';
const BLOB = /^sha256[-:]([0-9a-f]{64})$/;

/** The name Ollama shows for a manifest path (its shortest form). */
export function displayName(host: string, namespace: string, model: string, tag: string): string {
  if (host === 'registry.ollama.ai') return namespace === 'library' ? `${model}:${tag}` : `${namespace}/${model}:${tag}`;
  return `${host}/${namespace}/${model}:${tag}`;
}

export interface OllamaManifest {
  name: string;
  /** sha256 of the manifest (what /api/ps calls `digest`). */
  digest: string;
  /** The model layer's blob hex. */
  blob: string;
}

/** Every manifest under `<models>/manifests` (host/namespace/model/tag); unreadable ones are skipped. */
export function readManifests(modelsDir: string): OllamaManifest[] {
  const out: OllamaManifest[] = [];
  const dir = (p: string): string[] => {
    try {
      return readdirSync(p);
    } catch {
      return [];
    }
  };
  const root = path.join(modelsDir, 'manifests');
  for (const host of dir(root))
    for (const ns of dir(path.join(root, host)))
      for (const model of dir(path.join(root, host, ns)))
        for (const tag of dir(path.join(root, host, ns, model))) {
          try {
            const text = readFileSync(path.join(root, host, ns, model, tag));
            const layer = list(field(JSON.parse(text.toString('utf8')), 'layers')).find((l) => field(l, 'mediaType') === MODEL_LAYER);
            const blob = BLOB.exec(str(field(layer, 'digest')) ?? '')?.[1];
            if (blob) out.push({ name: displayName(host, ns, model, tag), digest: createHash('sha256').update(text).digest('hex'), blob });
          } catch {
            // a manifest being written, or not Ollama's: not a name
          }
        }
  return out;
}

/** Manifests per models directory, re-read at most every 10 s (`ollama pull` adds some). */
const cache = new Map<string, { at: number; manifests: OllamaManifest[] }>();
const CACHE_MS = 10_000;

/** The blob a server loads and its models directory, from `--model <models>/blobs/sha256-<hex>`. */
export function blobOf(argv: readonly string[]): { modelsDir: string; blob: string } | null {
  const model = flagValue(argv, '--model', '-m');
  if (!model) return null;
  const m = BLOB.exec(path.posix.basename(model));
  if (!m || path.posix.basename(path.posix.dirname(model)) !== 'blobs') return null;
  return { modelsDir: path.posix.dirname(path.posix.dirname(model)), blob: m[1]! };
}

export function manifestsFor(argv: readonly string[], now = Date.now()): { blob: string; manifests: OllamaManifest[] } | null {
  const b = blobOf(argv);
  if (!b) return null;
  let c = cache.get(b.modelsDir);
  // A blob no manifest names yet (a pull under way) is looked for again after a second, not at every call.
  if (!c || now - c.at > CACHE_MS || (!c.manifests.some((m) => m.blob === b.blob) && now - c.at > 1000)) {
    c = { at: now, manifests: readManifests(b.modelsDir) };
    cache.set(b.modelsDir, c);
  }
  return { blob: b.blob, manifests: c.manifests.filter((m) => m.blob === b.blob) };
}

export const ollama: ManagerAdapter = {
  name: 'Ollama',
  path: '/api/ps',
  defaultPort: 11434,
  is: (v) => v.kind === 'ollama',
  read: readPs,
  nameOf(s) {
    const found = manifestsFor(s.cmdline);
    if (!found) return null;
    return found.manifests.map((m) => m.name).sort()[0] ?? `sha256-${found.blob.slice(0, 12)}`;
  },
  claimOf(s, claims) {
    const found = manifestsFor(s.cmdline);
    if (!found) return null;
    const digests = new Set(found.manifests.map((m) => m.digest));
    const names = new Set(found.manifests.map((m) => m.name));
    return claims.find((c) => c.digest !== undefined && digests.has(c.digest)) ?? claims.find((c) => names.has(c.model)) ?? null;
  },
};
