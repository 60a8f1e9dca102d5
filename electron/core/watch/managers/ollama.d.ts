import type { ManagerAdapter, ManagerReading } from './types.js';
export declare function readPs(body: unknown): ManagerReading | null;
/** The name Ollama shows for a manifest path (its shortest form). */
export declare function displayName(host: string, namespace: string, model: string, tag: string): string;
export interface OllamaManifest {
    name: string;
    /** sha256 of the manifest (what /api/ps calls `digest`). */
    digest: string;
    /** The model layer's blob hex. */
    blob: string;
}
/** Every manifest under `<models>/manifests` (host/namespace/model/tag); unreadable ones are skipped. */
export declare function readManifests(modelsDir: string): OllamaManifest[];
/** The blob a server loads and its models directory, from `--model <models>/blobs/sha256-<hex>`. */
export declare function blobOf(argv: readonly string[]): {
    modelsDir: string;
    blob: string;
} | null;
export declare function manifestsFor(argv: readonly string[], now?: number): {
    blob: string;
    manifests: OllamaManifest[];
} | null;
export declare const ollama: ManagerAdapter;
