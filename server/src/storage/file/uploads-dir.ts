/**
 * A document's uploads [UP4] in the file store: `<dataDir>/docs/<id>/uploads/<hash>`, one file per upload,
 * inside the document's own directory so removing that directory removes them too. A file holds the media
 * type, a newline, then the bytes exactly as uploaded.
 *
 * A put writes `<hash>.<random>.tmp`, fsyncs it, then hard-links it to `<hash>` and fsyncs the directory:
 * `link` fails with EEXIST when the name is taken, so two puts of the same bytes racing each other store
 * one file and exactly one of them reports it new — no lock needed. A crash leaves either no `<hash>` or a
 * complete one, at worst plus a `.tmp` file nobody reads. Hashes are checked against UPLOAD_HASH_PATTERN
 * (64 hex digits) before they reach a path.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assertValidUpload, UnknownDocError, UPLOAD_HASH_PATTERN, type StoredUpload } from '../doc-store.js';
import { fsyncDir, isErrno, writeFileSynced, type StoreIo } from './fs-util.js';
import { metaFileExists } from './meta-file.js';

export const UPLOADS_DIR = 'uploads';
/** The type line is short (UPLOAD_TYPE_PATTERN); a file without a newline this early is not ours. */
const MAX_TYPE_LINE = 128;

/** Stores `upload` in the document directory `docDir`; true when new, false when that hash was there. */
export async function putUploadFile(io: StoreIo, docId: string, docDir: string, upload: StoredUpload): Promise<boolean> {
  assertValidUpload(upload);
  if (!(await metaFileExists(docDir))) throw new UnknownDocError(docId);
  const dir = join(docDir, UPLOADS_DIR);
  const path = join(dir, upload.hash);
  if (await uploadFileExists(path)) return false;
  try {
    await mkdir(dir);
    await fsyncDir(docDir);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new UnknownDocError(docId);
    if (!isErrno(err, 'EEXIST')) throw err;
  }
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFileSynced(io, tmp, [Buffer.from(`${upload.type}\n`, 'utf8'), Buffer.from(upload.bytes)]);
    try {
      await link(tmp, path);
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      throw err;
    }
    await fsyncDir(dir);
    return true;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** The upload stored under `hash` in `docDir`, or null. */
export async function readUploadFile(docDir: string, hash: string): Promise<StoredUpload | null> {
  if (!UPLOAD_HASH_PATTERN.test(hash)) return null;
  let file: Buffer;
  try {
    file = await readFile(join(docDir, UPLOADS_DIR, hash));
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return null;
    throw err;
  }
  const newline = file.subarray(0, MAX_TYPE_LINE).indexOf(0x0a);
  if (newline < 0) throw new Error(`upload ${hash} has no type line`);
  return { hash, type: file.subarray(0, newline).toString('utf8'), bytes: new Uint8Array(file.subarray(newline + 1)) };
}

async function uploadFileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}
