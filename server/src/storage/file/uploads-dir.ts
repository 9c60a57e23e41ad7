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
 *
 * [UP9] With a quota, the caller runs the put under its per-document lock: the usage is counted from the
 * directory (files named by a hash; their image bytes, without the type line) and the link follows in the
 * same turn of the lock, so two puts cannot both take the last slot. One process owns a data directory.
 */
import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  assertUploadFits,
  assertValidUpload,
  UnknownDocError,
  UPLOAD_HASH_PATTERN,
  type StoredUpload,
  type UploadQuota,
  type UploadUsage,
} from '../doc-store.js';
import { fsyncDir, isErrno, writeFileSynced, type StoreIo } from './fs-util.js';
import { metaFileExists } from './meta-file.js';

export const UPLOADS_DIR = 'uploads';
/** The type line is short (UPLOAD_TYPE_PATTERN); a file without a newline this early is not ours. */
const MAX_TYPE_LINE = 128;

/** Stores `upload` in the document directory `docDir`; true when new, false when that hash was there. */
export async function putUploadFile(
  io: StoreIo,
  docId: string,
  docDir: string,
  upload: StoredUpload,
  quota?: UploadQuota,
): Promise<boolean> {
  assertValidUpload(upload);
  if (!(await metaFileExists(docDir))) throw new UnknownDocError(docId);
  const dir = join(docDir, UPLOADS_DIR);
  const path = join(dir, upload.hash);
  if (await uploadFileExists(path)) return false;
  if (quota) assertUploadFits(docId, await uploadUsage(docDir), upload.bytes.byteLength, quota);
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

/** [UP9] How many uploads `docDir` holds and their image bytes (temp files are not uploads). */
export async function uploadUsage(docDir: string): Promise<UploadUsage> {
  const dir = join(docDir, UPLOADS_DIR);
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return { files: 0, bytes: 0 };
    throw err;
  }
  const usage = { files: 0, bytes: 0 };
  const head = Buffer.alloc(MAX_TYPE_LINE);
  for (const name of names.filter((n) => UPLOAD_HASH_PATTERN.test(n))) {
    const file = await open(join(dir, name), 'r');
    try {
      const { bytesRead } = await file.read(head, 0, MAX_TYPE_LINE, 0);
      const newline = head.subarray(0, bytesRead).indexOf(0x0a);
      usage.files++;
      usage.bytes += (await file.stat()).size - (newline + 1);
    } finally {
      await file.close();
    }
  }
  return usage;
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
