/**
 * Reads a file store's DATA_DIR without ever writing to it, so it is safe while a server runs [CLI3]: no
 * recovery truncation, no temp-file clean-up, no locks. A torn tail (a record still being written) is left
 * out, keeping the records that verify; a file deleted under us by a compaction makes the document be read
 * again. Besides the dump it reports every damage it met, per file, which is what `tandem fsck` prints.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as Y from 'yjs';
import { isValidDocId, type DocMeta, type StoredVersion } from '../storage/doc-store.js';
import { isErrno } from '../storage/file/fs-util.js';
import { HISTORY_FILE } from '../storage/file/history-file.js';
import { decodeLog, RECORD_HEADER_BYTES } from '../storage/file/log-format.js';
import { META_FILE } from '../storage/file/meta-file.js';
import { decodeSnapshot, parseGenFileName, type GenFile } from '../storage/file/snapshot-file.js';
import { decodeVersionRecord } from '../storage/file/version-record.js';
import { VERSIONS_FILE } from '../storage/file/versions-file.js';
import { readUploadFile, UPLOADS_DIR } from '../storage/file/uploads-dir.js';
import { UPLOAD_HASH_PATTERN, type StoredUpload } from '../storage/doc-store.js';
import { mergeStored, uploadIntact, type DocDump } from './dump.js';

/** One piece of damage: which file, and what is wrong with it. */
export interface Damage {
  file: string;
  /**
   * `torn-tail`, `corrupt-record`, `corrupt-snapshot`, `missing-snapshot` (logs that build on a snapshot no
   * longer there or readable [D10]), `bad-meta`, `bad-version`, `bad-upload`.
   */
  kind: 'torn-tail' | 'corrupt-record' | 'corrupt-snapshot' | 'missing-snapshot' | 'bad-meta' | 'bad-version' | 'bad-upload';
  detail: string;
}

export interface FileDocRead {
  /** Null when the document could not be read at all (its meta.json is unreadable). */
  dump: DocDump | null;
  damage: Damage[];
}

/** A file deleted by a concurrent compaction while we read: the document is read again. */
class FileVanished extends Error {}

const ATTEMPTS = 5;

export class FileStoreReader {
  readonly docsDir: string;

  constructor(dataDir: string) {
    this.docsDir = join(resolve(dataDir), 'docs');
  }

  /** Ids of the directories holding a meta.json, sorted. */
  async *listIds(): AsyncIterable<string> {
    let names: string[];
    try {
      names = await readdir(this.docsDir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    for (const name of names.sort()) {
      if (!isValidDocId(name)) continue;
      const entries = await readdir(join(this.docsDir, name)).catch(() => [] as string[]);
      if (entries.includes(META_FILE)) yield name;
    }
  }

  /** One document as load + readHistory + listVersions would see it, without repairing anything. */
  async read(id: string): Promise<FileDocRead | null> {
    if (!isValidDocId(id)) throw new Error(`invalid document id ${JSON.stringify(id)}`);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.readOnce(id);
      } catch (err) {
        if (!(err instanceof FileVanished) || attempt >= ATTEMPTS) throw err;
      }
    }
  }

  async close(): Promise<void> {}

  private async readOnce(id: string): Promise<FileDocRead | null> {
    const dir = join(this.docsDir, id);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return null;
      throw err;
    }
    if (!names.includes(META_FILE)) return null;
    const damage: Damage[] = [];
    const meta = await readMeta(dir, damage);

    const files = names.map(parseGenFileName).filter((f): f is GenFile => f !== null);
    const generation = Math.max(0, ...files.map((f) => f.generation));
    const snapshots = files.filter((f) => f.kind === 'snapshot').sort((a, b) => b.generation - a.generation);
    const logs = files.filter((f) => f.kind === 'log').sort((a, b) => a.generation - b.generation);

    // Every snapshot is checked (fsck); the newest good one is the base, as recovery.ts picks it.
    let base: { generation: number; payload: Uint8Array } | null = null;
    const corrupt: { file: GenFile; problem: string }[] = [];
    for (const file of snapshots) {
      const bytes = await mustRead(join(dir, file.name));
      const decoded = decodeSnapshot(bytes, file.generation);
      const problem = decoded.ok ? yjsProblem(decoded.payload) : decoded.problem;
      if (problem) corrupt.push({ file, problem });
      else if (decoded.ok && !base) base = { generation: file.generation, payload: decoded.payload };
    }
    // [D10] Without a good snapshot the logs hold the whole document only if they start at log.0 (recovery.ts).
    const complete = base !== null || (logs.length === 0 ? snapshots.length === 0 : logs[0]!.generation === 0);
    for (const { file, problem } of corrupt) {
      const fallback =
        base && base.generation > file.generation
          ? 'not read (a newer snapshot is good)'
          : base
            ? `loading falls back to snapshot.${base.generation} and the logs after it`
            : complete
              ? 'loading replays the logs from log.0, which hold everything'
              : 'no older snapshot to fall back to (dropped once this one was verified): what it held is missing until restored from a backup';
      damage.push({ file: file.name, kind: 'corrupt-snapshot', detail: `${problem}; ${fallback}` });
    }
    if (!complete) {
      const first = logs[0] ?? snapshots[0]!;
      damage.push({
        file: first.name,
        kind: 'missing-snapshot',
        detail: `no good snapshot, and the logs start at generation ${logs[0]?.generation ?? 'none'}: the document before generation ${first.generation} is missing (restore it from a backup)`,
      });
    }

    const log: Uint8Array[] = [];
    for (const file of logs) {
      if (file.generation < (base?.generation ?? 0)) continue;
      const decoded = decodeLog(await mustRead(join(dir, file.name)));
      log.push(...decoded.records);
      if (decoded.droppedBytes > 0) {
        damage.push(logDamage(file.name, decoded, file.generation === generation));
      }
    }
    // Each record must apply where it stands: a record that verifies but does not decode is damage too,
    // and is left out of the content (a server could not load the document with it).
    const doc = new Y.Doc({ gc: false });
    const applying: Uint8Array[] = [];
    try {
      if (base) Y.applyUpdate(doc, base.payload);
      log.forEach((update, i) => {
        const problem = yjsProblem(update, doc);
        if (problem) damage.push({ file: 'log', kind: 'corrupt-record', detail: `record ${i + 1} of the replayed logs does not apply: ${problem}` });
        else applying.push(update);
      });
    } finally {
      doc.destroy();
    }

    const history = await this.readHistory(dir, damage);
    const versions = await readVersions(dir, damage);
    const uploads = await readUploads(dir, damage);
    if (!meta) return { dump: null, damage };
    return { dump: { meta, content: mergeStored({ snapshot: base?.payload ?? null, log: applying }), history, versions, uploads }, damage };
  }

  private async readHistory(dir: string, damage: Damage[]): Promise<Uint8Array[]> {
    const bytes = await readOptional(join(dir, HISTORY_FILE));
    if (!bytes) return [];
    const decoded = decodeLog(bytes);
    if (decoded.droppedBytes > 0) damage.push(logDamage(HISTORY_FILE, decoded, true));
    return decoded.records;
  }
}

async function readMeta(dir: string, damage: Damage[]): Promise<DocMeta | null> {
  try {
    const meta = JSON.parse((await mustRead(join(dir, META_FILE))).toString('utf8')) as DocMeta;
    if (typeof meta.id !== 'string' || typeof meta.linkGeneration !== 'number') throw new Error('missing fields');
    return meta;
  } catch (err) {
    if (err instanceof FileVanished) throw err;
    damage.push({ file: META_FILE, kind: 'bad-meta', detail: `unreadable: ${(err as Error).message}` });
    return null;
  }
}

/** Replays versions.log as versions-file.ts does (puts replace in place, deletes remove), checking each. */
async function readVersions(dir: string, damage: Damage[]): Promise<StoredVersion[]> {
  const bytes = await readOptional(join(dir, VERSIONS_FILE));
  if (!bytes) return [];
  const decoded = decodeLog(bytes);
  if (decoded.droppedBytes > 0) damage.push(logDamage(VERSIONS_FILE, decoded, true));
  const live = new Map<string, StoredVersion>();
  let offset = 0;
  for (const payload of decoded.records) {
    const record = decodeVersionRecord(payload);
    if (!record) {
      damage.push({ file: VERSIONS_FILE, kind: 'bad-version', detail: `record at byte ${offset} is not a version record` });
    } else if (record.type === 'delete') {
      for (const id of record.ids) live.delete(id);
    } else {
      try {
        Y.decodeSnapshot(record.version.snapshot);
      } catch (err) {
        damage.push({ file: VERSIONS_FILE, kind: 'bad-version', detail: `version ${record.version.id}: snapshot does not decode (${(err as Error).message})` });
      }
      live.set(record.version.id, { ...record.version, snapshot: record.version.snapshot.slice() });
    }
    offset += RECORD_HEADER_BYTES + payload.byteLength;
  }
  return [...live.values()].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

/**
 * A torn tail (the last record cut short: a crash, or a write in flight right now) or a record that fails
 * its checksum (flipped bytes: everything from it on is lost to recovery).
 */
function logDamage(file: string, decoded: ReturnType<typeof decodeLog>, current: boolean): Damage {
  const kept = `${decoded.records.length} records (${decoded.validBytes} bytes) verify`;
  const truncated = decoded.problem === 'truncated record header' || decoded.problem === 'truncated record payload';
  if (truncated && current) {
    return { file, kind: 'torn-tail', detail: `torn tail of ${decoded.droppedBytes} bytes (${decoded.problem}); ${kept}` };
  }
  return {
    file,
    kind: 'corrupt-record',
    detail: `${decoded.problem} at byte ${decoded.validBytes}; ${decoded.droppedBytes} bytes from there are unreadable; ${kept}`,
  };
}

/** Why `update` does not apply to a Yjs document, or null when it does. */
function yjsProblem(update: Uint8Array, doc?: Y.Doc): string | null {
  const target = doc ?? new Y.Doc({ gc: false });
  try {
    Y.applyUpdate(target, update);
    return null;
  } catch (err) {
    return (err as Error).message || String(err);
  } finally {
    if (!doc) target.destroy();
  }
}

async function mustRead(path: string): Promise<Buffer> {
  const bytes = await readOptional(path);
  if (!bytes) throw new FileVanished(path);
  return bytes;
}

async function readOptional(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return null;
    throw err;
  }
}

/**
 * [UP4] The document's uploads, each checked against its hash; a damaged one is reported and left out. Temp
 * files of an upload being written (`<hash>.<random>.tmp`) are not uploads yet.
 */
async function readUploads(dir: string, damage: Damage[]): Promise<StoredUpload[]> {
  let names: string[];
  try {
    names = await readdir(join(dir, UPLOADS_DIR));
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
  const uploads: StoredUpload[] = [];
  for (const name of names.filter((n) => UPLOAD_HASH_PATTERN.test(n)).sort()) {
    let upload: StoredUpload | null;
    try {
      upload = await readUploadFile(dir, name);
    } catch (err) {
      damage.push({ file: `${UPLOADS_DIR}/${name}`, kind: 'bad-upload', detail: (err as Error).message });
      continue;
    }
    if (!upload) continue;
    if (!uploadIntact(upload)) {
      damage.push({ file: `${UPLOADS_DIR}/${name}`, kind: 'bad-upload', detail: 'its bytes do not match its sha256 name' });
      continue;
    }
    uploads.push(upload);
  }
  return uploads;
}
