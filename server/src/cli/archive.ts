/**
 * The backup archive [CLI2]: a gzip stream of
 *
 *     header   "TDMBAKUP" (8 bytes), u32 LE format version (1)
 *     records  [u8 kind][u32 LE payload length][u32 LE crc32 of kind, length and payload][payload]
 *
 * Records of one document come together, in this order: DOC (its DocMeta as JSON) opens it, then one
 * CONTENT (snapshot and log merged into one Yjs update), HISTORY entries oldest first, VERSION records
 * (the payload of a versions.log put, version-record.ts), UPLOAD records (reserved, see below), and
 * DOC_END (JSON counts of what came, so a record lost between two valid ones is noticed). END closes the
 * archive with the number of documents: an archive without it was cut short and is refused.
 *
 * UPLOAD (kind 5) is a file uploaded into the document (an image) [UP4]: `[u32 LE JSON length][JSON {hash,
 * type}][bytes]`; reading it checks the bytes against their sha256 name.
 *
 * gzip's own CRC covers the stream as a whole; the per-record checksums say *which* record is damaged.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { createGunzip, createGzip, crc32 } from 'node:zlib';
import type { DocMeta, StoredUpload } from '../storage/doc-store.js';
import { decodeVersionRecord, encodeVersionPut } from '../storage/file/version-record.js';
import { uploadIntact, type DocDump } from './dump.js';

const MAGIC = Buffer.from('TDMBAKUP', 'ascii');
const FORMAT_VERSION = 1;
const HEADER_BYTES = MAGIC.length + 4;
const RECORD_HEADER_BYTES = 9;
/** Larger lengths in a record header are damage, not data. */
const MAX_RECORD_BYTES = 1024 * 1024 * 1024;

export const RecordKind = { DOC: 1, CONTENT: 2, HISTORY: 3, VERSION: 4, UPLOAD: 5, DOC_END: 6, END: 0x7f } as const;

interface DocEnd {
  history: number;
  versions: number;
  uploads: number;
}

export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

function encodeRecord(kind: number, payload: Uint8Array): Buffer[] {
  const header = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
  header.writeUInt8(kind, 0);
  header.writeUInt32LE(payload.byteLength, 1);
  header.writeUInt32LE(crc32(payload, crc32(header.subarray(0, 5))), 5);
  return [header, Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)];
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/**
 * Writes an archive to `path`: to `<path>.tmp` first, fsynced and renamed into place at the end, so a
 * failed or interrupted backup never leaves something that looks like an archive.
 */
export class ArchiveWriter {
  private readonly gzip = createGzip();
  private readonly file;
  private readonly tmpPath: string;
  private documents = 0;
  private failed: Error | null = null;

  constructor(private readonly path: string) {
    this.tmpPath = `${path}.tmp`;
    this.file = createWriteStream(this.tmpPath, { flags: 'wx', mode: 0o600 });
    this.gzip.pipe(this.file);
    const fail = (err: Error) => (this.failed ??= err);
    this.gzip.on('error', fail);
    this.file.on('error', fail);
    const version = Buffer.alloc(4);
    version.writeUInt32LE(FORMAT_VERSION, 0);
    this.write([MAGIC, version]);
  }

  /** Waits until the file stream opened (or failed: an existing `<path>.tmp`, a missing directory). */
  async ready(): Promise<void> {
    if (this.failed) throw this.failed;
    await Promise.race([once(this.file, 'ready'), once(this.file, 'error').then(([err]) => Promise.reject(err as Error))]);
  }

  async addDoc(dump: DocDump): Promise<void> {
    this.write(encodeRecord(RecordKind.DOC, json(dump.meta)));
    this.write(encodeRecord(RecordKind.CONTENT, dump.content));
    for (const entry of dump.history) this.write(encodeRecord(RecordKind.HISTORY, entry));
    for (const version of dump.versions) this.write(encodeRecord(RecordKind.VERSION, Buffer.concat(encodeVersionPut(version))));
    for (const upload of dump.uploads) {
      const head = json({ hash: upload.hash, type: upload.type });
      const length = Buffer.alloc(4);
      length.writeUInt32LE(head.length, 0);
      if (!this.write(encodeRecord(RecordKind.UPLOAD, Buffer.concat([length, head, upload.bytes])))) await once(this.gzip, 'drain');
    }
    const end: DocEnd = { history: dump.history.length, versions: dump.versions.length, uploads: dump.uploads.length };
    const drained = this.write(encodeRecord(RecordKind.DOC_END, json(end)));
    this.documents++;
    if (!drained) await once(this.gzip, 'drain');
    if (this.failed) throw this.failed;
  }

  /** Writes END, flushes, fsyncs and renames the archive into place. */
  async finish(): Promise<{ documents: number }> {
    this.write(encodeRecord(RecordKind.END, json({ documents: this.documents, createdAt: new Date().toISOString() })));
    this.gzip.end();
    await once(this.file, 'close');
    if (this.failed) throw this.failed;
    const handle = await open(this.tmpPath, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.tmpPath, this.path);
    return { documents: this.documents };
  }

  /** Gives up: the temporary file is removed. */
  async abort(): Promise<void> {
    this.gzip.destroy();
    this.file.destroy();
    await unlink(this.tmpPath).catch(() => undefined);
  }

  private write(buffers: Buffer[]): boolean {
    let ok = true;
    for (const buffer of buffers) ok = this.gzip.write(buffer) && ok;
    return ok;
  }
}

/** The documents of an archive, one at a time, each checked; throws ArchiveError on any damage. */
export async function* readArchive(path: string): AsyncGenerator<DocDump> {
  const records = readRecords(path);
  let current: { dump: DocDump } | null = null;
  let documents = 0;
  for await (const { kind, payload, index } of records) {
    const where = `record ${index}`;
    if (kind === RecordKind.END) {
      if (current) throw new ArchiveError(`${where}: the archive ends inside document ${current.dump.meta.id}`);
      const trailer = parseJson(payload, where) as { documents?: unknown };
      if (trailer.documents !== documents) throw new ArchiveError(`${where}: the archive says ${String(trailer.documents)} documents, it holds ${documents}`);
      return;
    }
    if (kind === RecordKind.DOC) {
      if (current) throw new ArchiveError(`${where}: document ${current.dump.meta.id} has no end record`);
      const meta = parseJson(payload, where) as DocMeta;
      current = { dump: { meta, content: new Uint8Array(), history: [], versions: [], uploads: [] } };
      continue;
    }
    if (!current) throw new ArchiveError(`${where}: record of kind ${kind} outside a document`);
    const { dump } = current;
    switch (kind) {
      case RecordKind.CONTENT:
        dump.content = payload;
        break;
      case RecordKind.HISTORY:
        dump.history.push(payload);
        break;
      case RecordKind.VERSION: {
        const record = decodeVersionRecord(payload);
        if (record?.type !== 'put') throw new ArchiveError(`${where}: not a version of ${dump.meta.id}`);
        dump.versions.push(record.version);
        break;
      }
      case RecordKind.UPLOAD: {
        const upload = decodeUpload(payload, where);
        if (!uploadIntact(upload)) throw new ArchiveError(`${where}: upload ${upload.hash} of ${dump.meta.id} does not match its hash`);
        dump.uploads.push(upload);
        break;
      }
      case RecordKind.DOC_END: {
        const end = parseJson(payload, where) as Partial<DocEnd>;
        if (end.history !== dump.history.length || end.versions !== dump.versions.length || (end.uploads ?? 0) !== dump.uploads.length) {
          throw new ArchiveError(`${where}: document ${dump.meta.id} is incomplete in the archive`);
        }
        current = null;
        documents++;
        yield dump;
        break;
      }
      default:
        throw new ArchiveError(`${where}: unknown record kind ${kind}`);
    }
  }
  throw new ArchiveError('the archive is cut short (no end record)');
}

/** An UPLOAD record's payload: `[u32 LE JSON length][JSON {hash, type}][bytes]`. */
function decodeUpload(payload: Uint8Array, where: string): StoredUpload {
  const buffer = Buffer.from(payload);
  const length = buffer.length >= 4 ? buffer.readUInt32LE(0) : -1;
  if (length < 0 || 4 + length > buffer.length) throw new ArchiveError(`${where}: a malformed upload record`);
  const head = parseJson(buffer.subarray(4, 4 + length), where) as { hash?: unknown; type?: unknown };
  if (typeof head.hash !== 'string' || typeof head.type !== 'string') throw new ArchiveError(`${where}: a malformed upload record`);
  return { hash: head.hash, type: head.type, bytes: Uint8Array.from(buffer.subarray(4 + length)) };
}

function parseJson(payload: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw new ArchiveError(`${where}: not JSON`);
  }
}

/** The raw records, checksums verified, read as the gzip stream decompresses. */
async function* readRecords(path: string): AsyncGenerator<{ kind: number; payload: Uint8Array; index: number }> {
  const stream = createReadStream(path).pipe(createGunzip());
  let pending: Buffer = Buffer.alloc(0);
  let headerSeen = false;
  let index = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (!headerSeen) {
        if (pending.length < HEADER_BYTES) continue;
        if (!pending.subarray(0, MAGIC.length).equals(MAGIC)) throw new ArchiveError('not a tandem backup archive');
        const version = pending.readUInt32LE(MAGIC.length);
        if (version !== FORMAT_VERSION) throw new ArchiveError(`archive format version ${version} is not supported (this tandem reads ${FORMAT_VERSION})`);
        pending = pending.subarray(HEADER_BYTES);
        headerSeen = true;
      }
      for (;;) {
        if (pending.length < RECORD_HEADER_BYTES) break;
        const length = pending.readUInt32LE(1);
        if (length > MAX_RECORD_BYTES) throw new ArchiveError(`record ${index + 1}: bad length ${length}`);
        if (pending.length < RECORD_HEADER_BYTES + length) break;
        const kind = pending.readUInt8(0);
        const payload = pending.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + length);
        if (crc32(payload, crc32(pending.subarray(0, 5))) !== pending.readUInt32LE(5)) {
          throw new ArchiveError(`record ${index + 1}: checksum mismatch`);
        }
        index++;
        // A copy: `pending` is reused, and what is yielded is kept (restores hold a document at a time).
        yield { kind, payload: Uint8Array.from(payload), index };
        pending = pending.subarray(RECORD_HEADER_BYTES + length);
      }
    }
  } catch (err) {
    if (err instanceof ArchiveError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ArchiveError(`no such file: ${path}`);
    if (code?.startsWith('Z_')) throw new ArchiveError(`the archive is damaged (gzip: ${(err as Error).message})`);
    throw err;
  }
  if (!headerSeen) throw new ArchiveError('not a tandem backup archive');
  if (pending.length > 0) throw new ArchiveError('the archive is cut short inside a record');
}
