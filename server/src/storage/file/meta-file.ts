/**
 * A document's `meta.json`: its DocMeta as JSON, replaced atomically (meta.json.tmp, fsync, rename, fsync dir).
 * Its presence is what makes a document exist. See store.ts for the on-disk scheme.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DocMeta } from '../doc-store.js';
import { isErrno, writeFileAtomic, type StoreIo } from './fs-util.js';

export const META_FILE = 'meta.json';

/** Whether the document directory `dir` holds a meta.json, i.e. whether the document exists. */
export async function metaFileExists(dir: string): Promise<boolean> {
  try {
    await stat(join(dir, META_FILE));
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}

/**
 * The DocMeta stored in `dir`; null when the document does not exist. Read synchronously, like the small
 * appends of fs-util.ts: a few hundred bytes, read for the first socket of every closed document and most
 * HTTP requests, cost less in one syscall than through the thread pool and back.
 */
export async function readMetaFile(dir: string): Promise<DocMeta | null> {
  let text: string;
  try {
    text = readFileSync(join(dir, META_FILE), 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return null;
    throw err;
  }
  return JSON.parse(text) as DocMeta;
}

/** Replaces the DocMeta stored in `dir` atomically. */
export function writeMetaFile(io: StoreIo, dir: string, meta: DocMeta): Promise<void> {
  const bytes = Buffer.from(`${JSON.stringify(meta, null, 2)}\n`, 'utf8');
  return writeFileAtomic(io, dir, join(dir, META_FILE), [bytes]);
}
