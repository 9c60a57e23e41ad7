/**
 * One document as the CLI moves it between stores and archives: everything a `DocStore` holds for it, with
 * the content folded into one Yjs update. Uploads (images) will join as a further field once the stores
 * keep them; the archive already reserves a record kind for them (archive.ts).
 */
import { createHash } from 'node:crypto';
import * as Y from 'yjs';
import type { DocMeta, DocStore, StoredDoc, StoredUpload, StoredVersion } from '../storage/doc-store.js';
import { EMPTY_UPDATE, isEmptyUpdate } from '../protocol/empty-update.js';

export interface DocDump {
  meta: DocMeta;
  /** Snapshot and log merged into one Yjs update (`Y.mergeUpdates`). */
  content: Uint8Array;
  /** History entries, oldest first (opaque bytes). */
  history: Uint8Array[];
  /** Versions, oldest first. */
  versions: StoredVersion[];
  /** [UP4] Uploaded images, by hash (each checked against its bytes when read). */
  uploads: StoredUpload[];
}

/** Snapshot + log as one update (or the empty update when there is nothing). */
export function mergeStored(stored: Pick<StoredDoc, 'snapshot' | 'log'>): Uint8Array {
  const parts = stored.snapshot ? [stored.snapshot, ...stored.log] : stored.log;
  if (parts.length === 0) return EMPTY_UPDATE;
  return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
}

/** Whether an upload's bytes still hash to its name (content addressing makes every upload self-checking). */
export function uploadIntact(upload: StoredUpload): boolean {
  return createHash('sha256').update(upload.bytes).digest('hex') === upload.hash;
}

/**
 * Writes one dump into `store` as a new document (rejects with DocExistsError when the id is taken): the
 * content as one log record, then every history entry and version.
 */
export async function writeDump(store: DocStore, dump: DocDump): Promise<void> {
  await store.create(dump.meta);
  if (!isEmptyUpdate(dump.content)) await store.append(dump.meta.id, dump.content);
  for (const entry of dump.history) await store.appendHistory(dump.meta.id, entry);
  for (const version of dump.versions) await store.putVersion(dump.meta.id, version);
  for (const upload of dump.uploads) await store.putUpload(dump.meta.id, upload);
  await store.release(dump.meta.id);
}

/** The whole state of a document as Yjs encodes it, deterministic for equal states (gc off keeps history). */
export function canonicalState(update: Uint8Array): Buffer {
  const doc = new Y.Doc({ gc: false });
  Y.applyUpdate(doc, update);
  const state = Buffer.from(Y.encodeStateAsUpdate(doc));
  doc.destroy();
  return state;
}

/** JSON with object keys sorted: PostgreSQL's jsonb does not keep key order. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

const bytesEqual = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Differences between two dumps of one document, one short phrase each; [] when they are the same. */
export function diffDumps(expected: DocDump, actual: DocDump | null): string[] {
  if (!actual) return ['missing'];
  const out: string[] = [];
  if (canonicalJson(expected.meta) !== canonicalJson(actual.meta)) out.push('metadata differs');
  if (!canonicalState(expected.content).equals(canonicalState(actual.content))) out.push('content differs');
  if (expected.history.length !== actual.history.length) {
    out.push(`history ${expected.history.length} → ${actual.history.length} entries`);
  } else if (expected.history.some((entry, i) => !bytesEqual(entry, actual.history[i]!))) {
    out.push('history entries differ');
  }
  if (expected.versions.length !== actual.versions.length) {
    out.push(`versions ${expected.versions.length} → ${actual.versions.length}`);
  } else {
    const differs = expected.versions.some((v, i) => {
      const w = actual.versions[i]!;
      const { snapshot: vs, ...vm } = v;
      const { snapshot: ws, ...wm } = w;
      return canonicalJson(vm) !== canonicalJson(wm) || !bytesEqual(vs, ws);
    });
    if (differs) out.push('versions differ');
  }
  const uploads = (dump: DocDump) => new Map(dump.uploads.map((u) => [u.hash, u]));
  const [want, have] = [uploads(expected), uploads(actual)];
  const missing = [...want.keys()].filter((hash) => !have.has(hash)).length;
  const extra = [...have.keys()].filter((hash) => !want.has(hash)).length;
  if (missing || extra) out.push(`uploads ${want.size} → ${have.size}`);
  else if ([...want].some(([hash, u]) => u.type !== have.get(hash)!.type || !bytesEqual(u.bytes, have.get(hash)!.bytes))) out.push('uploads differ');
  return out;
}
