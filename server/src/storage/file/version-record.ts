/**
 * Payloads of the records in a document's `versions.log` (each framed as a log record, see log-format.ts):
 *
 *     put     [u8 1][u32 LE metadata length][metadata: JSON of the StoredVersion without snapshot][snapshot]
 *     delete  [u8 2][JSON array of version ids]
 *
 * The framing's checksum catches torn and flipped bytes; this module only turns payloads into values and
 * refuses payloads that do not have the shape it writes.
 */
import { VERSION_ID_PATTERN, type StoredVersion } from '../doc-store.js';

const PUT = 1;
const DELETE = 2;

export type VersionRecord = { type: 'put'; version: StoredVersion } | { type: 'delete'; ids: string[] };

/** The payload of a put record, as buffers for one `writev`. Only the fields of `StoredVersion` are kept. */
export function encodeVersionPut(version: StoredVersion): Buffer[] {
  const metadata: Omit<StoredVersion, 'snapshot'> = {
    id: version.id,
    createdAt: version.createdAt,
    name: version.name,
    kind: version.kind,
    authors: version.authors.map((a) => ({ name: a.name, color: a.color })),
    inserted: version.inserted,
    deleted: version.deleted,
    changes: version.changes,
  };
  const json = Buffer.from(JSON.stringify(metadata), 'utf8');
  const head = Buffer.allocUnsafe(5);
  head.writeUInt8(PUT, 0);
  head.writeUInt32LE(json.byteLength, 1);
  const { snapshot } = version;
  return [head, json, Buffer.from(snapshot.buffer, snapshot.byteOffset, snapshot.byteLength)];
}

/** The payload of a delete record. */
export function encodeVersionDelete(ids: readonly string[]): Buffer[] {
  return [Buffer.from([DELETE]), Buffer.from(JSON.stringify(ids), 'utf8')];
}

/**
 * Decodes one payload; null when it is not a record this module wrote (never throws). A put's snapshot is a
 * view into `payload`, not a copy.
 */
export function decodeVersionRecord(payload: Uint8Array): VersionRecord | null {
  const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  try {
    if (bytes[0] === PUT && bytes.byteLength >= 5) {
      const length = bytes.readUInt32LE(1);
      if (5 + length > bytes.byteLength) return null;
      const metadata: unknown = JSON.parse(bytes.subarray(5, 5 + length).toString('utf8'));
      if (!isVersionMetadata(metadata)) return null;
      const snapshot = payload.subarray(5 + length);
      return { type: 'put', version: { ...metadata, snapshot } };
    }
    if (bytes[0] === DELETE) {
      const ids: unknown = JSON.parse(bytes.subarray(1).toString('utf8'));
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return null;
      return { type: 'delete', ids: ids as string[] };
    }
  } catch {
    return null; // not JSON
  }
  return null;
}

function isVersionMetadata(value: unknown): value is Omit<StoredVersion, 'snapshot'> {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    VERSION_ID_PATTERN.test(v.id) &&
    typeof v.createdAt === 'string' &&
    (v.name === null || typeof v.name === 'string') &&
    (v.kind === 'auto' || v.kind === 'named' || v.kind === 'restore') &&
    Array.isArray(v.authors) &&
    v.authors.every(isAuthor) &&
    typeof v.inserted === 'number' &&
    typeof v.deleted === 'number' &&
    typeof v.changes === 'number'
  );
}

function isAuthor(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return typeof a.name === 'string' && (a.color === null || typeof a.color === 'string');
}
