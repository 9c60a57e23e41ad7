/**
 * [D3] Reading a freshly written snapshot back before anything older is given up: the bytes the file system
 * returns must pass the snapshot checks, equal what was written, and apply in Yjs as a whole state (nothing
 * left waiting for missing dependencies, the state vector the payload claims).
 */
import * as Y from 'yjs';
import { decodeSnapshot } from './snapshot-file.js';
import { readWholeFile } from './fs-util.js';

/** Why a snapshot file failed its read-back; the compaction stops and keeps every older generation. */
export class SnapshotVerifyError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`snapshot ${path} failed its read-back check: ${problem}`);
    this.name = 'SnapshotVerifyError';
  }
}

/** Throws SnapshotVerifyError unless `path` holds exactly `payload` as a loadable snapshot of `generation`. */
export async function verifySnapshotFile(path: string, generation: number, payload: Uint8Array): Promise<void> {
  const decoded = decodeSnapshot(await readWholeFile(path), generation);
  if (!decoded.ok) throw new SnapshotVerifyError(path, decoded.problem);
  if (!Buffer.from(decoded.payload.buffer, decoded.payload.byteOffset, decoded.payload.byteLength).equals(payload)) {
    throw new SnapshotVerifyError(path, 'the bytes read back differ from the bytes written');
  }
  const problem = yjsStateProblem(decoded.payload);
  if (problem) throw new SnapshotVerifyError(path, problem);
}

/** Why `payload` is not a whole Yjs state, or null when it is. */
export function yjsStateProblem(payload: Uint8Array): string | null {
  // A guid of our own: Yjs's default draws a UUID, 31 calls for random bytes, on every compaction.
  const doc = new Y.Doc({ gc: false, guid: 'snapshot-check' });
  try {
    Y.applyUpdate(doc, payload);
    if (doc.store.pendingStructs || doc.store.pendingDs) return 'it does not apply whole in Yjs (changes wait for missing ones)';
    const claimed = Y.decodeStateVector(Y.encodeStateVectorFromUpdate(payload));
    const loaded = Y.decodeStateVector(Y.encodeStateVector(doc));
    if (claimed.size !== loaded.size || [...claimed].some(([client, clock]) => loaded.get(client) !== clock)) {
      return 'its state vector once loaded differs from the one it was written with';
    }
    return null;
  } catch (err) {
    return `it does not apply in Yjs (${(err as Error).message || String(err)})`;
  } finally {
    doc.destroy();
  }
}
