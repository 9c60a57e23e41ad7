/**
 * Deleting a document's directory crash-safely [DEL2]. The commit point is one rename:
 *
 *   <dataDir>/docs/<id>   →   <dataDir>/deleting/<id>     then fsync both parent directories
 *
 * Before the rename the document is whole; after it nothing is left under `docs/` that a load could serve
 * (its meta.json, logs, snapshots, temp files, history, versions and uploads all live in its directory and
 * move together). `deleting/<id>` is the recovery marker: its contents are removed, then the marker itself,
 * and `deleting/` fsynced. A crash after the rename leaves the marker; `finishInterruptedDeletes`, run when
 * the store opens, removes every marker that is left. Only a marker names the id, and only until then.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { StoreLogger } from '../doc-store.js';
import { fsyncDir, isErrno } from './fs-util.js';

export const DELETING_DIR = 'deleting';

/** The marker path of a document being deleted (`id` must already have been validated). */
export function deletionMarker(dataDir: string, id: string): string {
  return join(dataDir, DELETING_DIR, id);
}

/** Whether a deletion of `id` was started and not yet finished (its marker exists). */
export async function deletionPending(dataDir: string, id: string): Promise<boolean> {
  try {
    await stat(deletionMarker(dataDir, id));
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}

/**
 * The commit point: moves the document's directory to its marker and makes the move durable. Once this
 * resolves the document is gone for every reader, after a crash too.
 */
export async function moveToDeleting(docDir: string, marker: string): Promise<void> {
  const markers = dirname(marker);
  const made = await mkdir(markers, { recursive: true });
  if (made) await fsyncDir(dirname(markers));
  await rename(docDir, marker);
  // Both directory entries changed: the document's is gone from docs/, the marker's is new in deleting/.
  await fsyncDir(dirname(docDir));
  await fsyncDir(markers);
}

/** Removes a marker and everything in it, durably. Safe to run again after a crash midway. */
export async function removeMarker(marker: string): Promise<void> {
  await rm(marker, { recursive: true, force: true });
  await fsyncDir(dirname(marker));
}

/** [DEL2] Store open: finishes every delete a crash interrupted. Returns the ids it finished. */
export async function finishInterruptedDeletes(dataDir: string, logger: StoreLogger): Promise<string[]> {
  const markers = join(dataDir, DELETING_DIR);
  let names: string[];
  try {
    names = await readdir(markers);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
  for (const name of names) {
    logger.info({ docId: name }, 'finishing a document deletion interrupted by a crash');
    await removeMarker(join(markers, name));
  }
  return names;
}
