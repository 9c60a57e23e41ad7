/**
 * A document's uploads [UP4] in the file store: `<dataDir>/docs/<id>/uploads/<hash>`, one file per upload,
 * inside the document's own directory so removing that directory removes them too. A file holds the media
 * type, a newline, then the bytes exactly as uploaded.
 *
 * A put writes `<hash>.<random>.tmp`, fsyncs it, then hard-links it to `<hash>` and fsyncs the directory:
 * `link` fails with EEXIST when the name is taken, so even two puts of the same bytes that raced store one
 * file and exactly one of them reports it new. A crash leaves either no `<hash>` or a complete one, at worst
 * plus a `.tmp` file nobody reads, removed by the document's next put that stores something [UP10]. Hashes
 * are checked against UPLOAD_HASH_PATTERN (64 hex digits) before they reach a path.
 *
 * The caller runs every put under its per-document lock. [UP9] With a quota, the usage is counted from the
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
/** A put's temp file: `<hash>.<random hex>.tmp`. */
const TEMP_FILE_PATTERN = /^[0-9a-f]{64}\.[0-9a-f]+\.tmp$/;

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
  const names = await listUploads(dir);
  await sweepTempFiles(dir, names);
  if (quota) assertUploadFits(docId, await uploadUsage(dir, names), upload.bytes.byteLength, quota);
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

/** The names in a document's uploads directory; [] when it was never made. */
async function listUploads(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}

/**
 * [UP10] Removes the temp files a killed put left behind. Only ever called under the document's upload lock,
 * so no put of this process is writing one; another process never writes into this DATA_DIR.
 */
async function sweepTempFiles(dir: string, names: string[]): Promise<void> {
  for (const name of names.filter((n) => TEMP_FILE_PATTERN.test(n))) {
    await unlink(join(dir, name)).catch((err: unknown) => {
      if (!isErrno(err, 'ENOENT')) throw err;
    });
  }
}

/** [UP9] How many uploads `dir` holds (files named by a hash) and their image bytes, without type lines. */
async function uploadUsage(dir: string, names: string[]): Promise<UploadUsage> {
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
